"""``tensorslow-parity`` (also ``python -m tensorslow_parity``): the parity suite's command line.

Each subcommand lives in its own module, which provides ``configure(parser)``
(adds its arguments) and ``main(args) -> int`` (the exit status). Modules are
imported only when their command runs, so ``--help`` does not import
TensorFlow. The option helpers the commands share (:data:`DEFAULT_OUT`,
:func:`parse_choices`) are here too.
"""
import argparse
import importlib
import sys

#: where the commands write and read results unless told otherwise
DEFAULT_OUT = "reports/latest"

#: command -> (module, one-line help)
COMMANDS = {
    "run": ("tensorslow_parity.run", "run the model zoo in every framework and compare with the tf1 reference"),
    "ops": ("tensorslow_parity.ops", "run every op of the gradient registry against TensorFlow"),
    "models": ("tensorslow_parity.models.zoo", "list the model zoo"),
    "bench": ("tensorslow_parity.bench", "time training steps and inference: NumPy, TensorSlow, tf1, tf2, Keras"),
    "report": ("tensorslow_parity.report", "write report.md, index.html and figures from a results directory"),
    "migrate": ("tensorslow_parity.migrate", "translate a TensorSlow program into a TensorFlow program"),
}


def parse_choices(value, known, what):
    """A comma-separated command-line list checked against ``known``; None or "all" means all of them."""
    if value in (None, "all"):
        return list(known)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise SystemExit(f"error: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen



def build_parser(command=None):
    parser = argparse.ArgumentParser(
        prog="tensorslow-parity",
        description="Run identical models and ops in TensorSlow, tf.compat.v1, TF2 and Keras; report how far apart "
                    "they are; translate TensorSlow programs to TensorFlow.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        if name == command:
            importlib.import_module(module).configure(p)
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.main(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
