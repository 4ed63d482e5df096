"""``make gpu-check``: the matrix's GPU and TPU rows, compared with a saved reference, in a few minutes.

``python -m tensorslow_parity.run.gpu_check [--reference DIR] [--out DIR]`` runs a small matrix on
``--devices gpu,tpu``: a tanh MLP, the CNN and the LSTM (those that are in the zoo), SGD and Adam,
:data:`STEPS` steps, float32 and float64, in every framework of ``run`` whose library sees the device:
TensorSlow on CuPy, Keras on JAX and on PyTorch, tf1, tf2 and Keras on TensorFlow where TensorFlow sees a
GPU; Keras on JAX where JAX lists a TPU. Everything else is ``skipped`` with the reason (no GPU here, this
library sees none, this package is not installed), and the command exits 0 when nothing failed.

The reference is not recomputed: the GPU machine this project is sometimes lent has no TensorFlow. It comes
from the bundle in ``--reference`` (``run --save-reference``). Where that bundle is missing or was made
from other models or steps, and TensorFlow is installed, it is saved first (tf1 on the CPU, float64: under a
minute); where TensorFlow is not installed, copy a bundle made elsewhere (``make gpu-reference``).
"""
import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

from tensorslow_parity import schema
from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.models import zoo
from tensorslow_parity.run import reference

#: the models of the GPU check, those in the zoo: a tanh MLP, a CNN, an LSTM
MODELS = ("mlp_iris", "cnn_digits", "lstm_digits")
OPTIMIZERS = ("sgd", "adam")
STEPS = 20
DEFAULT_REFERENCE = "build/gpu-reference"
DEFAULT_OUT = "build/gpu-check"


def models():
    return [m for m in MODELS if m in zoo.MODELS]


def usable(bundle, names, steps):
    """Whether ``bundle`` serves every model in ``names`` for ``steps`` steps (why not, when it does not)."""
    try:
        opened = reference.Bundle(bundle, "injected")
        for name in names:
            opened.problem(name, steps)
    except (reference.ReferenceBundleError, ValueError) as e:
        return False, str(e)
    return True, ""


def save_reference(bundle, names, steps):
    """Run the reference cells (tf1, CPU, float64) of ``names`` and save them in ``bundle``; the exit status."""
    with tempfile.TemporaryDirectory(prefix="gpu-reference-") as out:
        return cli_main(["run", "--models", ",".join(names), "--optimizers", ",".join(OPTIMIZERS),
                         "--frameworks", "tf1", "--devices", "cpu", "--dtypes", "float64", "--steps", str(steps),
                         "--out", out, "--save-reference", str(bundle), "--no-progress"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make gpu-check", description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=DEFAULT_REFERENCE, help=f"the saved reference (default: "
                                                                        f"{DEFAULT_REFERENCE})")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory (default: {DEFAULT_OUT})")
    parser.add_argument("--models", help=f"comma-separated (default: {','.join(MODELS)})")
    parser.add_argument("--steps", type=int, default=STEPS, help=f"training steps (default: {STEPS})")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes at once (default: 2)")
    parser.add_argument("--save-only", action="store_true", help="only save the reference (needs TensorFlow)")
    args = parser.parse_args(argv)
    names = args.models.split(",") if args.models else models()
    ok, why = usable(args.reference, names, args.steps)
    if args.save_only or not ok:
        if importlib.util.find_spec("tensorflow") is None:
            if args.save_only or not Path(args.reference).exists():
                print(f"gpu-check: no usable reference in {args.reference} ({why}) and no TensorFlow here to "
                      "compute one: run `make gpu-reference` on a machine with TensorFlow and copy "
                      f"{args.reference} here", file=sys.stderr)
                return 2
            print(f"gpu-check: {why}; without TensorFlow the rows of those models are errors", file=sys.stderr)
        else:
            print(f"gpu-check: saving the reference in {args.reference} ({why or 'asked to'})", file=sys.stderr)
            status = save_reference(args.reference, names, args.steps)
            if status or args.save_only:
                return status
    return cli_main(["run", "--reference", str(args.reference), "--devices", "gpu,tpu",
                     "--frameworks", ",".join(schema.RUN_FRAMEWORKS), "--models", ",".join(names),
                     "--optimizers", ",".join(OPTIMIZERS), "--steps", str(args.steps), "--out", args.out,
                     "--jobs", str(args.jobs), "--no-progress"])


if __name__ == "__main__":
    sys.exit(main())
