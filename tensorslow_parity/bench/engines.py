"""The engines the course benchmark times side by side, what each needs, and how its threads are pinned.

Every engine is a :class:`tensorslow_parity.frameworks.base.FrameworkModel`
whose ``train_step(x, y)`` is one SGD step fetching the loss:

=============  ==========================================================================
``numpy``      hand-written NumPy (:class:`~tensorslow_parity.frameworks.numpy_mlp.NumpyMLP`)
``tensorslow`` TensorSlow graph + ``Session.run([train_op, loss])``
``jax``        one ``jax.jit`` step (:class:`~tensorslow_parity.frameworks.jax_mlp.JaxMLP`)
``torch``      PyTorch eager, ``backward()`` + ``torch.optim.SGD``
``tf1``        ``tf.compat.v1`` graph + ``Session.run``
``tf2``        a ``tf.function`` step with ``tf.GradientTape`` and a Keras SGD
``keras``      Keras 3 ``Sequential.train_on_batch``
=============  ==========================================================================

Each engine runs in its own worker process (:mod:`tensorslow_parity.bench.worker`),
so that TensorFlow's, PyTorch's and JAX's thread pools never share a process
with another engine. Threads are pinned for all of them alike
(:func:`thread_environment` before the process starts, :func:`pin_threads`
in it): BLAS and OpenMP through their environment variables, TensorFlow's
intra- and inter-op pools, PyTorch's intra-op threads (its inter-op pool to
1), XLA's CPU threads.
"""
import importlib
import importlib.util

#: every engine, in table order
ENGINES = ("numpy", "tensorslow", "jax", "torch", "tf1", "tf2", "keras")

#: engine -> "module:class" of its model, for the engines that are not parity frameworks
#: (those: :func:`tensorslow_parity.frameworks.load`)
BENCH_ONLY = {
    "numpy": "tensorslow_parity.frameworks.numpy_mlp:NumpyMLP",
    "jax": "tensorslow_parity.frameworks.jax_mlp:JaxMLP",
    "torch": "tensorslow_parity.frameworks.torch_mlp:TorchMLP",
}

#: engine -> how its column is headed in the printed table
TITLES = {"numpy": "NumPy by hand", "tensorslow": "TensorSlow", "jax": "JAX jit", "torch": "PyTorch eager",
          "tf1": "tf1 Session", "tf2": "TF2 tf.function", "keras": "Keras train_on_batch"}

#: engine -> the modules it imports (an engine whose modules are missing is skipped, with the reason)
REQUIRES = {"numpy": ("numpy",), "tensorslow": ("tensorslow",), "jax": ("jax",), "torch": ("torch",),
            "tf1": ("tensorflow",), "tf2": ("tensorflow", "keras"), "keras": ("tensorflow", "keras")}

#: module -> what installs it
INSTALL = {"jax": "the bench extra: pip install -e '.[bench]'", "torch": "the bench extra: pip install -e '.[bench]'",
           "tensorflow": "the tf extra: pip install -e '.[tf]'", "keras": "the tf extra: pip install -e '.[tf]'"}

#: environment variables that size the thread pools of BLAS libraries and OpenMP
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def model_class(engine):
    """The :class:`~tensorslow_parity.frameworks.base.FrameworkModel` class of ``engine`` (imports it)."""
    if engine in BENCH_ONLY:
        module, name = BENCH_ONLY[engine].split(":")
        return getattr(importlib.import_module(module), name)
    from tensorslow_parity import frameworks
    return frameworks.load(engine)


def missing_reason(engine, requires=None):
    """Why ``engine`` cannot run here (its first missing module and what installs it), or None."""
    for module in (requires or REQUIRES)[engine]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            hint = INSTALL.get(module)
            return f"{module} is not installed" + (f" ({hint})" if hint else "")
    return None


def thread_environment(threads):
    """Environment variables that pin every engine's thread pools to ``threads`` threads (set before the
    worker starts: BLAS libraries and XLA read them once, at load)."""
    env = {name: str(threads) for name in THREAD_VARIABLES}
    env["TF_NUM_INTRAOP_THREADS"] = env["TF_NUM_INTEROP_THREADS"] = str(threads)
    env["XLA_FLAGS"] = (f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'} "
                        f"intra_op_parallelism_threads={threads}")
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def _threads(n, kind=""):
    return f"{n} {kind}{' ' if kind else ''}thread{'s' if n != 1 else ''}"


def pin_threads(engine, threads):
    """In the worker: set the thread pools that only an API sets (TensorFlow's, PyTorch's), before any work.
    Returns a description of the engine's threads, for the printed output."""
    if engine in ("tf1", "tf2", "keras"):
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        return (f"TF {_threads(tf.config.threading.get_intra_op_parallelism_threads(), 'intra-op')}, "
                f"{_threads(tf.config.threading.get_inter_op_parallelism_threads(), 'inter-op')}")
    if engine == "torch":
        import torch
        torch.set_num_threads(threads)
        torch.set_num_interop_threads(1)
        return (f"torch {_threads(torch.get_num_threads(), 'intra-op')}, "
                f"{_threads(torch.get_num_interop_threads(), 'inter-op')}")
    if engine == "jax":
        import jax
        jax.devices()
        return f"XLA CPU {_threads(threads, 'intra-op')} (XLA_FLAGS)"
    return blas_threads()


def blas_threads():
    """NumPy's BLAS, the CPU core whose kernels it runs and its threads in this process, e.g.
    ``openblas 0.3.31 SkylakeX (OPENBLAS_CORETYPE), 1 thread`` (from threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS threads unknown (no threadpoolctl)"
    import os

    import numpy  # noqa: F401 (loads the BLAS that threadpoolctl inspects)

    from tensorslow_parity.bench.blas import VARIABLE, short_version
    pools = []
    for p in threadpool_info():
        if p["user_api"] == "blas":
            core = f" {p['architecture']}" if p.get("architecture") else ""
            if core and p["internal_api"] == "openblas" and os.environ.get(VARIABLE):
                core += f" ({VARIABLE})"
            pools.append(f"{p['internal_api']} {short_version(p.get('version'))}{core}, {_threads(p['num_threads'])}")
    return "; ".join(pools) or "no BLAS found"


def versions(engine):
    """The versions of the libraries ``engine`` runs on, e.g. ``torch 2.13.0+cpu``."""
    import importlib.metadata
    names = {"numpy": ("numpy",), "tensorslow": ("numpy",), "jax": ("jax", "jaxlib"), "torch": ("torch",),
             "tf1": ("tensorflow",), "tf2": ("tensorflow",), "keras": ("keras", "tensorflow")}[engine]
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} ?")
    return ", ".join(parts)
