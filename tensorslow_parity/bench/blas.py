"""Which OpenBLAS kernels the NumPy-based engines run on, so that the benchmark compares like with like.

NumPy's wheels bundle OpenBLAS built for every x86 core it knows
(``DYNAMIC_ARCH``): at load it reads the CPU and picks that core's kernels,
unless ``OPENBLAS_CORETYPE`` names a core. A CPU newer than the OpenBLAS
release can be one it does not recognise; it then falls back to an older
core's kernels (AVX2 ``Haswell`` ones on an AVX-512 CPU: about half the
matrix-product speed), while TensorFlow's oneDNN, detecting the CPU for
itself, runs AVX-512. A TensorSlow/tf1 ratio taken so measures OpenBLAS's
CPU table, not TensorSlow. (On the project's machine, an AMD EPYC of the Zen 5
family, OpenBLAS 0.3.31 does pick ``SkylakeX`` by itself; the ``Haswell`` it
reported there came from ``OPENBLAS_CORETYPE=Haswell`` in the machine's
environment, which the benchmark keeps and names in its output.)

So the benchmark checks (:func:`choose_core`): when the CPU has the AVX-512
foundation (``avx512f``, ``avx512dq``, ``avx512bw``, ``avx512vl``: what
OpenBLAS's ``SkylakeX`` kernels need) and OpenBLAS picked a core older than
AVX-512 (:data:`PRE_AVX512_CORES`), the worker processes of the NumPy-based
engines (:data:`NUMPY_ENGINES`) start with ``OPENBLAS_CORETYPE=SkylakeX``,
which OpenBLAS reads at load. It does not when the user set
``OPENBLAS_CORETYPE`` already (theirs is kept), nor with ``--blas-default``
(OpenBLAS's own choice, the figure a user gets out of the box). Each worker
reports the core OpenBLAS then uses (threadpoolctl's ``architecture``); one
that did not take the setting is restarted without it
(:func:`tensorslow_parity.bench.workers.start_workers`), and the output says so.

Why ``SkylakeX`` and not ``Cooperlake`` on a CPU with ``avx512_bf16``:
Cooperlake adds only bfloat16 kernels (float32 and float64 products are
SkylakeX's), and NumPy's OpenBLAS 0.3.31 answers ``OPENBLAS_CORETYPE=Cooperlake``
with its SkylakeX kernels anyway (threadpoolctl reports ``SkylakeX``).
"""
import os
from dataclasses import dataclass
from pathlib import Path

#: the engines whose matrix products are NumPy's BLAS: their workers may get ``OPENBLAS_CORETYPE``
NUMPY_ENGINES = ("numpy", "tensorslow")

#: the CPU flags (as /proc/cpuinfo spells them) that OpenBLAS's SkylakeX kernels need
AVX512_FLAGS = ("avx512f", "avx512dq", "avx512bw", "avx512vl")

#: the OpenBLAS core given to the workers when the CPU has :data:`AVX512_FLAGS`
AVX512_CORE = "SkylakeX"

#: OpenBLAS's x86 cores (``DYNAMIC_ARCH``, lower case) whose kernels predate AVX-512
PRE_AVX512_CORES = frozenset({
    "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington", "nehalem",
    "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat", "sandybridge", "bulldozer", "piledriver",
    "steamroller", "excavator", "haswell", "zen"})

VARIABLE = "OPENBLAS_CORETYPE"


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags (the first ``flags`` line of ``cpuinfo``, a path or its text): a frozenset,
    empty where there is no such file (not Linux) or line (not x86)."""
    text = cpuinfo
    if "\n" not in cpuinfo:
        try:
            text = Path(cpuinfo).read_text(errors="replace")
        except OSError:
            return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def openblas_info():
    """NumPy's BLAS as threadpoolctl sees it in this process: ``{"internal_api", "version", "architecture"}``
    of the first BLAS pool, or None without threadpoolctl or a BLAS it finds."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    import numpy  # noqa: F401 (loads the BLAS that threadpoolctl inspects)
    pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
    if not pools:
        return None
    return {key: pools[0].get(key) or "" for key in ("internal_api", "version", "architecture")}


def short_version(version):
    """``0.3.31`` of ``0.3.31.188.0`` (scipy-openblas wheels append their own build numbers)."""
    return ".".join(str(version).split(".")[:3]) if version else "?"


@dataclass(frozen=True)
class BlasCore:
    """What the NumPy-based engines' workers get: ``coretype`` (``OPENBLAS_CORETYPE``, None: nothing set),
    the core OpenBLAS ``picked`` by itself in this process, and ``why``, one line for the output."""

    picked: str
    coretype: str = None
    why: str = ""

    def environment(self, engine):
        """The variables ``engine``'s worker gets on top of the parent's environment."""
        return {VARIABLE: self.coretype} if self.coretype and engine in NUMPY_ENGINES else {}


def choose_core(flags, info, environ=None, blas_default=False):
    """The :class:`BlasCore` of a CPU with ``flags`` whose NumPy reports ``info`` (:func:`openblas_info`).

    ``OPENBLAS_CORETYPE`` goes to the workers only when all of: the user did
    not set it in ``environ``, ``blas_default`` is false, NumPy's BLAS is
    OpenBLAS, the CPU has :data:`AVX512_FLAGS` and OpenBLAS picked one of
    :data:`PRE_AVX512_CORES`.
    """
    environ = os.environ if environ is None else environ
    if info is None:
        return BlasCore("", None, "NumPy's BLAS core unknown (no threadpoolctl, or no BLAS found): not checked")
    if info["internal_api"] != "openblas":
        return BlasCore(info["architecture"], None, f"NumPy's BLAS is {info['internal_api']}, not OpenBLAS: kept")
    about = f"OpenBLAS {short_version(info['version'])}"
    picked = info["architecture"] or "?"
    avx512 = all(flag in flags for flag in AVX512_FLAGS)
    if environ.get(VARIABLE):
        older = (", pre-AVX-512 kernels on a CPU with AVX-512: unset it for OpenBLAS's own choice"
                 if avx512 and picked.lower() in PRE_AVX512_CORES else "")
        return BlasCore(picked, None, f"{VARIABLE}={environ[VARIABLE]} set in the environment: kept ({about} "
                                      f"uses {picked}{older})")
    if not (avx512 and picked.lower() in PRE_AVX512_CORES):
        cpu = "a CPU with AVX-512" if avx512 else "a CPU without AVX-512" if flags else "a CPU of unknown flags"
        return BlasCore(picked, None, f"{about} picked {picked} on {cpu}: kept")
    picked_on = f"{about} picked {picked} on a CPU with AVX-512"
    if blas_default:
        return BlasCore(picked, None, f"{picked_on}; workers keep it (--blas-default)")
    return BlasCore(picked, AVX512_CORE, f"{picked_on}; workers use {AVX512_CORE} ({VARIABLE}), --blas-default to "
                                         f"keep OpenBLAS's choice")


def detect(blas_default=False):
    """:func:`choose_core` for this machine and this process's NumPy and environment."""
    return choose_core(cpu_flags(), openblas_info(), os.environ, blas_default)


def worker_core():
    """In a worker: the core OpenBLAS uses and the ``OPENBLAS_CORETYPE`` it was given,
    ``{"architecture": ..., "coretype": ...}`` (architecture "" when unknown)."""
    info = openblas_info()
    return {"architecture": (info or {}).get("architecture", ""), "coretype": os.environ.get(VARIABLE, "")}


def took(core):
    """Whether the worker's ``core`` (:func:`worker_core`) runs the kernels its ``OPENBLAS_CORETYPE`` asked for."""
    return not core.get("coretype") or core.get("architecture", "").lower() == core["coretype"].lower()
