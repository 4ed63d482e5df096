"""The course benchmark's choice of OpenBLAS kernels for the NumPy-based engines (tensorslow_parity/bench/blas.py):
the detection, the workers' environment, the check that it took, the option and the output line."""
import os

import pytest

from tensorslow_parity.bench import blas, course, sweeps, verdicts, workers
from tensorslow_parity.bench.workers import EngineWorker, start_workers

AVX512 = frozenset({"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_bf16"})
AVX2 = frozenset({"sse4_2", "avx", "avx2", "fma"})
LINE = ("OpenBLAS 0.3.31 picked Haswell on a CPU with AVX-512; workers use SkylakeX (OPENBLAS_CORETYPE), "
        "--blas-default to keep OpenBLAS's choice")


def openblas(core, version="0.3.31.188.0", api="openblas"):
    return {"internal_api": api, "version": version, "architecture": core}


@pytest.mark.parametrize("core", ["Haswell", "Zen", "SandyBridge", "haswell"])
def test_pre_avx512_kernels_on_an_avx512_cpu_get_skylakex(core):
    choice = blas.choose_core(AVX512, openblas(core), environ={})
    assert choice.coretype == "SkylakeX" and choice.picked == core
    assert choice.why == LINE.replace("Haswell", core)
    assert choice.environment("numpy") == choice.environment("tensorslow") == {"OPENBLAS_CORETYPE": "SkylakeX"}
    assert all(choice.environment(e) == {} for e in ("tf1", "tf2", "keras", "torch", "jax"))


@pytest.mark.parametrize("flags, info, why", [
    (AVX512, openblas("SkylakeX"), "OpenBLAS 0.3.31 picked SkylakeX on a CPU with AVX-512: kept"),
    (AVX512, openblas("SapphireRapids"), "OpenBLAS 0.3.31 picked SapphireRapids on a CPU with AVX-512: kept"),
    (AVX2, openblas("Haswell"), "OpenBLAS 0.3.31 picked Haswell on a CPU without AVX-512: kept"),
    (AVX512 - {"avx512vl"}, openblas("Haswell"), "OpenBLAS 0.3.31 picked Haswell on a CPU without AVX-512: kept"),
    (frozenset(), openblas("Haswell"), "OpenBLAS 0.3.31 picked Haswell on a CPU of unknown flags: kept"),
    (AVX512, openblas("", api="mkl"), "NumPy's BLAS is mkl, not OpenBLAS: kept"),
    (AVX512, None, "NumPy's BLAS core unknown (no threadpoolctl, or no BLAS found): not checked"),
])
def test_nothing_is_set_where_openblas_already_matches_the_cpu_or_cannot_be_told(flags, info, why):
    choice = blas.choose_core(flags, info, environ={})
    assert choice.coretype is None and choice.why == why
    assert choice.environment("numpy") == {}


def test_blas_default_and_a_users_openblas_coretype_are_kept():
    kept = blas.choose_core(AVX512, openblas("Haswell"), environ={}, blas_default=True)
    assert kept.coretype is None
    assert kept.why == "OpenBLAS 0.3.31 picked Haswell on a CPU with AVX-512; workers keep it (--blas-default)"
    users = blas.choose_core(AVX512, openblas("Haswell"), environ={"OPENBLAS_CORETYPE": "Haswell"})
    assert users.coretype is None and users.environment("numpy") == {}
    assert users.why.startswith("OPENBLAS_CORETYPE=Haswell set in the environment: kept (OpenBLAS 0.3.31 uses "
                                "Haswell, pre-AVX-512 kernels on a CPU with AVX-512")
    theirs = blas.choose_core(AVX512, openblas("SkylakeX"), environ={"OPENBLAS_CORETYPE": "SkylakeX"})
    assert theirs.why == "OPENBLAS_CORETYPE=SkylakeX set in the environment: kept (OpenBLAS 0.3.31 uses SkylakeX)"


def test_cpu_flags_from_cpuinfo(tmp_path):
    text = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512f avx512bw\n\nflags\t: other\n"
    assert blas.cpu_flags(text) == {"fpu", "avx2", "avx512f", "avx512bw"}
    (tmp_path / "cpuinfo").write_text(text)
    assert blas.cpu_flags(str(tmp_path / "cpuinfo")) == {"fpu", "avx2", "avx512f", "avx512bw"}
    assert blas.cpu_flags(str(tmp_path / "absent")) == frozenset()
    assert blas.cpu_flags("processor : 0\nFeatures : neon\n") == frozenset()
    assert blas.short_version("0.3.31.188.0") == "0.3.31" and blas.short_version("") == "?"


def test_took_compares_the_workers_core_with_what_it_was_given():
    assert blas.took({"architecture": "SkylakeX", "coretype": "SkylakeX"})
    assert blas.took({"architecture": "skylakex", "coretype": "SkylakeX"})
    assert blas.took({"architecture": "Haswell", "coretype": ""}) and blas.took({})
    assert not blas.took({"architecture": "SkylakeX", "coretype": "Cooperlake"})
    assert not blas.took({"architecture": "", "coretype": "SkylakeX"})


class FakeWorker:
    """An EngineWorker that starts nothing: its hello reports ``reports`` as OpenBLAS's core when it was given
    OPENBLAS_CORETYPE, ``Haswell`` otherwise."""

    started = []

    def __init__(self, engine, threads, extra_env=None):
        self.engine, self.extra_env, self.blas_note, self.closed = engine, dict(extra_env or {}), "", False
        asked = self.extra_env.get("OPENBLAS_CORETYPE", "")
        self.hello = {"ok": True, "threads": "t", "versions": "v"}
        if engine in blas.NUMPY_ENGINES:  # as a real worker's hello
            self.hello["blas"] = {"architecture": FakeWorker.reports if asked else "Haswell", "coretype": asked}
        FakeWorker.started.append(self)

    def ready(self, timeout=None):
        return self.hello

    def close(self):
        self.closed = True


@pytest.mark.parametrize("reports", ["SkylakeX", "Haswell"])
def test_numpy_based_workers_get_the_core_and_one_that_did_not_take_it_is_restarted(monkeypatch, reports):
    monkeypatch.setattr(workers, "EngineWorker", FakeWorker)
    monkeypatch.setattr(FakeWorker, "reports", reports, raising=False)
    monkeypatch.setattr(FakeWorker, "started", [])
    choice = blas.choose_core(AVX512, openblas("Haswell"), environ={})
    started, failed = start_workers(["numpy", "tensorslow", "tf1"], 1, blas=choice)
    assert not failed and started["tf1"].extra_env == {}
    for engine in ("numpy", "tensorslow"):
        if reports == "SkylakeX":
            assert started[engine].extra_env == {"OPENBLAS_CORETYPE": "SkylakeX"} and not started[engine].blas_note
        else:  # asked for SkylakeX, got Haswell: closed, started again without it, and said so
            assert started[engine].extra_env == {}
            assert started[engine].blas_note == ("OPENBLAS_CORETYPE=SkylakeX did not take (OpenBLAS reported "
                                                 "Haswell): OpenBLAS's choice kept")
    assert sum(w.closed for w in FakeWorker.started) == (2 if reports == "Haswell" else 0)
    machine = sweeps.machine_description({"cpu": {"name": "CPU"}}, sweeps.quick_config(), started, choice)
    assert LINE in machine and ("did not take" in machine) == (reports == "Haswell")
    used = "SkylakeX" if reports == "SkylakeX" else "Haswell"
    assert machine.endswith(f"OpenBLAS core used: numpy {used}, tensorslow {used})")


def test_the_worker_environment_carries_the_core_over_the_parents(monkeypatch):
    monkeypatch.setattr(workers.subprocess, "Popen", lambda *a, **kw: kw["env"])
    worker = EngineWorker("numpy", 1, {"OPENBLAS_CORETYPE": "SkylakeX"})
    assert worker.process["OPENBLAS_CORETYPE"] == "SkylakeX" and worker.process["OPENBLAS_NUM_THREADS"] == "1"
    worker.stderr.close()
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    worker = EngineWorker("tf1", 1)
    assert worker.process["OPENBLAS_CORETYPE"] == "Zen"  # the user's, untouched
    worker.stderr.close()


def test_blas_default_option_and_the_reports_line():
    from tensorslow_parity.bench.cli import course_config, sweep_config
    from tensorslow_parity.cli import build_parser
    parse = build_parser("bench").parse_args
    assert not course_config(parse(["bench", "--course"])).blas_default
    assert course_config(parse(["bench", "--course", "--blas-default"])).blas_default
    assert sweep_config(parse(["bench", "--quick", "--blas-default"])).blas_default
    assert not sweep_config(parse(["bench", "--quick"])).blas_default
    config = course.CourseConfig(engines=("numpy",))
    result = course.CourseResult(config, {}, {"numpy": "numpy 2; openblas 0.3.31 SkylakeX (OPENBLAS_CORETYPE)"}, {},
                                 blas=blas.choose_core(AVX512, openblas("Haswell"), environ={}))
    assert f"BLAS of the NumPy-based engines: {LINE}" in verdicts.report(result)
    assert "BLAS of the NumPy-based engines" not in verdicts.report(course.CourseResult(config, {}, {}, {}))


@pytest.mark.slow
def test_a_real_worker_reports_the_core_it_was_given_and_one_it_did_not_take(monkeypatch):
    info = blas.openblas_info()
    if not info or info["internal_api"] != "openblas" or not info["architecture"]:
        pytest.skip(f"NumPy's BLAS is not an OpenBLAS that names its core: {info}")
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    started, failed = start_workers(["numpy", "tensorslow"], 1, blas=blas.BlasCore("Zen", "Haswell"))
    try:
        assert not failed
        assert started["numpy"].hello["blas"] == {"architecture": "Haswell", "coretype": "Haswell"}
        assert "Haswell (OPENBLAS_CORETYPE), 1 thread" in started["numpy"].hello["threads"]
    finally:
        for worker in started.values():
            worker.close()
    started, failed = start_workers(["numpy"], 1, blas=blas.BlasCore("Haswell", "NoSuchCore"))
    try:
        assert not failed and started["numpy"].extra_env == {} and "OPENBLAS_CORETYPE" not in os.environ
        assert started["numpy"].blas_note.startswith("OPENBLAS_CORETYPE=NoSuchCore did not take (OpenBLAS reported ")
        assert started["numpy"].hello["blas"]["coretype"] == ""
    finally:
        for worker in started.values():
            worker.close()
