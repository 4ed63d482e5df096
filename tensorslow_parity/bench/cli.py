"""``tensorslow-parity bench``: the sweeps (bench.csv), or with ``--course`` the engines side by side with targets."""
import argparse
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

from tensorslow_parity import schema
from tensorslow_parity.cli import DEFAULT_OUT, parse_choices
from tensorslow_parity.devices import DEVICES
from tensorslow_parity.files import prepare_out_dir


def _sweep_lines(config, duration):
    axes = {"batch": "batch_size", "width": "width", "depth": "depth"}
    points = "; ".join(f"{name} {','.join(str(getattr(p, axes[name])) for p in config.sweeps[name])}" for name in axes)
    return [points + "; model (the course MLP)",
            f"{config.warmup} warm-up calls, {config.repeats} rounds of {config.block_time * 1e3:g} ms blocks: "
            f"{duration} on 2 cores"]


def _epilog():
    from tensorslow_parity.bench.course import CASES
    from tensorslow_parity.bench.engines import ENGINES
    from tensorslow_parity.bench.sweeps import full_config, quick_config
    quick, full = _sweep_lines(quick_config(), "under a minute"), _sweep_lines(full_config(), "3 to 5 minutes")
    return "\n".join([
        textwrap.fill("Sweeps (default): time one training step and one inference call of an MLP (softmax "
                      "cross-entropy from logits, SGD) in hand-written NumPy, TensorSlow, JAX jit, PyTorch eager, "
                      "tf1, tf2 and Keras (train_on_batch; model.fit epochs as keras_fit), each engine in its own "
                      "process with its threads pinned (--threads), rounds interleaved, in float32 and float64, "
                      "and write OUT/bench.csv (a point still noisy after --retries more rounds: noisy=True).",
                      100),
        "",
        "sweeps: batch: a 64-128-10 ReLU MLP; width: 64-W-10 ReLU at batch 1024; depth: 64-(128 x D)-10 ReLU",
        "at batch 1024; model: the course's 2-2-2 sigmoid MLP at batch 100.",
        f"  --quick: {quick[0]}", f"           {quick[1]}",
        f"  full:    {full[0]}", f"           {full[1]}",
        "",
        textwrap.fill("GPU and TPU rows run where tensorslow_parity.devices finds one (tf1, tf2, keras, keras_fit) "
                      "and are skipped with the reason otherwise.", 100),
        "",
        textwrap.fill("--course (what make bench runs): one SGD step in every engine (" + ", ".join(ENGINES)
                      + "), each in its own process with its threads pinned, at " + "; ".join(c.describe()
                                                                                            for c in CASES)
                      + "; rounds interleaved across engines; prints the engine x model table and one PASS/FAIL "
                      "line per speed target, and exits 1 when a target fails or cannot be checked. About a "
                      "minute on 2 cores.", 100),
        "",
        textwrap.fill("OpenBLAS (NumPy's BLAS: the numpy and tensorslow engines) picks its kernels from its own CPU "
                      "table; on a CPU newer than the table it can fall back to older ones (AVX2 Haswell kernels on an "
                      "AVX-512 CPU). Both modes then start those workers with OPENBLAS_CORETYPE=SkylakeX, so that they "
                      "run AVX-512 as TensorFlow does, check in each worker that it took, and print (and write in "
                      "bench.csv's machine column) which core each used and why; --blas-default keeps OpenBLAS's "
                      "choice.", 100)])


def configure(parser):
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _epilog()
    parser.add_argument("--course", action="store_true",
                        help="time the engines side by side and check the speed targets (what make bench runs)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer points (sweeps; what make report uses) or shorter rounds (--course)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory of the sweeps (default: {DEFAULT_OUT})")
    parser.add_argument("--frameworks", help="sweeps: comma-separated (default: all): "
                                             "numpy,tensorslow,jax,torch,tf1,tf2,keras,keras_fit")
    parser.add_argument("--engines", help="--course: comma-separated (default: all): "
                                          "numpy,tensorslow,jax,torch,tf1,tf2,keras")
    parser.add_argument("--dtypes", help="sweeps: comma-separated (default: all): float32,float64")
    parser.add_argument("--devices", default="auto",
                        help="sweeps: comma-separated from cpu,gpu,tpu, or auto (default): all three, absent ones "
                             "skipped with the reason")
    parser.add_argument("--sweeps", help="comma-separated (default: all): batch,width,depth,model")
    parser.add_argument("--repeats", type=int,
                        help="timed rounds (default: 3 with --quick, else 7)")
    parser.add_argument("--block-time", type=float,
                        help="seconds of calls in one timed block (default: sweeps 0.01 with --quick, else 0.05; "
                             "--course 0.01 with --quick, else 0.02)")
    parser.add_argument("--blas-threads", type=int,
                        help="sweeps run in this process only (tests): limit NumPy's BLAS to this many threads "
                             "(threadpoolctl); worker processes use --threads")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of every engine's pools (BLAS, OpenMP, TensorFlow, PyTorch, XLA; default 1)")
    parser.add_argument("--blas-default", action="store_true",
                        help="keep OpenBLAS's own choice of CPU kernels in the NumPy-based engines' workers (numpy, "
                             "tensorslow). Default: where OpenBLAS picked pre-AVX-512 kernels (e.g. Haswell) on a CPU "
                             "with AVX-512, those workers get OPENBLAS_CORETYPE=SkylakeX, as tf1's oneDNN runs "
                             "AVX-512; an OPENBLAS_CORETYPE set by the user is always kept")
    parser.add_argument("--noise-threshold", type=float,
                        help="upper/lower quartile of the rounds above which a point or case is measured again "
                             "(default 1.25)")
    parser.add_argument("--retries", type=int,
                        help="how many times a noisy point (or a case with a target not decided) gets more rounds "
                             "(default: sweeps 1; --course 2, 1 with --quick)")


def _positive(args, name, minimum, strict=False):
    value = getattr(args, name)
    if value is not None and (value <= minimum if strict else value < minimum):
        flag = "--" + name.replace("_", "-")
        raise SystemExit(f"error: {flag} must be {'greater than' if strict else 'at least'} {minimum:g}")
    return value


def course_config(args):
    """The :class:`~tensorslow_parity.bench.course.CourseConfig` of the command line."""
    from tensorslow_parity.bench.course import CourseConfig
    from tensorslow_parity.bench.engines import ENGINES
    config = CourseConfig(rounds=3, block_time=0.01, retries=1) if args.quick else CourseConfig()
    changes = {"engines": tuple(parse_choices(args.engines, ENGINES, "engine")), "threads": args.threads,
               "blas_default": bool(getattr(args, "blas_default", False))}
    for name, field_, minimum, strict in (("repeats", "rounds", 1, False), ("block_time", "block_time", 0, True),
                                          ("noise_threshold", "noise_threshold", 1, True),
                                          ("retries", "retries", 0, False), ("threads", "threads", 1, False)):
        value = _positive(args, name, minimum, strict)
        if value is not None:
            changes[field_] = value
    return replace(config, **changes)


def main_course(args):
    from tensorslow_parity.bench.course import run_course
    from tensorslow_parity.bench.verdicts import exit_status, report, targets_text, verdicts
    result = run_course(course_config(args), log=lambda line: print(line, file=sys.stderr, flush=True))
    found = verdicts(result)
    print(report(result))
    print()
    print(targets_text(found))
    print(f"({result.seconds:.0f} s)")
    return exit_status(found)


def sweep_config(args):
    """The :class:`~tensorslow_parity.bench.sweeps.BenchConfig` of the command line."""
    from tensorslow_parity.bench.sweeps import FRAMEWORKS, full_config, quick_config
    config = quick_config() if args.quick else full_config()
    sweeps = parse_choices(args.sweeps, list(config.sweeps), "sweep")
    config = replace(config, sweeps={s: config.sweeps[s] for s in sweeps},
                     frameworks=tuple(parse_choices(args.frameworks, FRAMEWORKS, "framework")),
                     dtypes=tuple(parse_choices(args.dtypes, schema.DTYPES, "dtype")),
                     devices=tuple(parse_choices(None if args.devices == "auto" else args.devices, DEVICES,
                                                 "device")))
    for name, attribute, minimum, strict in (("repeats", "repeats", 1, False), ("block_time", "block_time", 0, True),
                                             ("blas_threads", "blas_threads", 1, False),
                                             ("threads", "threads", 1, False),
                                             ("noise_threshold", "noise_threshold", 1, True),
                                             ("retries", "retries", 0, False)):
        value = _positive(args, name, minimum, strict)
        if value is not None:
            setattr(config, attribute, value)
    config.blas_default = bool(getattr(args, "blas_default", False))
    return config


def main_sweeps(args):
    from tensorslow_parity.bench.summary import summary
    from tensorslow_parity.bench.sweeps import run_bench
    config = sweep_config(args)
    prepare_out_dir(args.out)  # before the sweeps: a bad --out is a one-line error now, not after them
    t0 = time.monotonic()
    rows = run_bench(config, out=args.out, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(summary(rows))
    errors = [r for r in rows if r["status"] == "error"]
    for r in {(r["framework"], r["device"], r["dtype"], r["reason"]): r for r in errors}.values():
        print(f"ERROR: {r['framework']}/{r['device']}/{r['dtype']}: {r['reason']}")
    print(f"{len(rows)} rows ({sum(r['status'] == 'ok' for r in rows)} timed, "
          f"{sum(r['status'] == 'skipped' for r in rows)} skipped, {len(errors)} errors) in "
          f"{time.monotonic() - t0:.0f} s; {Path(args.out) / schema.BENCH}")
    return 1 if errors else 0


def main(args):
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # before anything imports TensorFlow, here or in a worker (which inherits the environment)
    return main_course(args) if args.course else main_sweeps(args)
