"""``tensorslow-parity`` (also ``python -m tensorslow_parity``): the parity suite's command line.

Each subcommand lives in its own module, which provides ``configure(parser)``
(adds its arguments) and ``main(args) -> int`` (the exit status). Modules are
imported only when their command runs, so ``--help`` does not import
TensorFlow. The option helpers the commands share (:data:`DEFAULT_OUT`,
:func:`parse_choices`) are here too.
"""
import argparse
import importlib
import math
import signal
import sys

from tensorslow_parity.files import ResultsFileError

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
    "programs": ("tensorslow_parity.programs", "run TF1 programs under tf.compat.v1 and, import swapped, TensorSlow"),
    "diverge": ("tensorslow_parity.divergence", "run a TF1 program or zoo model in TensorSlow and tf1; find the "
                "first op whose output differs"),
}


class UsageError(SystemExit):
    """A bad command line: :func:`main` prints it as one ``error:`` line and exits with status 2 (by re-raising it
    with ``code`` 2)."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like KeyboardInterrupt, so every ``finally`` cleans up."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def parse_choices(value, known, what):
    """A comma-separated command-line list checked against ``known``; None or "all" means all of them.

    An empty list (``--models ,``) or an unknown name is a :class:`UsageError`.
    """
    if value in (None, "all"):
        return list(known)
    chosen = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not chosen:
        raise UsageError(f"error: empty list of {what}s {value!r}; known: {', '.join(known)}")
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise UsageError(f"error: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def seconds(text):
    """argparse type: a finite number of seconds greater than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a finite number of seconds greater than 0")
    return value


def positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value



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
    previous = _handle_termination()
    try:
        return int(module.main(args) or 0)
    except UsageError as e:
        # One line, and exit status 2 like argparse's own usage errors; still a SystemExit whose text
        # is the message, for callers that catch it.
        print(f"{parser.prog} {args.command}: {e}", file=sys.stderr)
        e.code = 2
        raise
    except ResultsFileError as e:
        print(f"{parser.prog} {args.command}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        # A file the command could not read or write (a path given on the command line, most likely): one
        # line, not a traceback.
        print(f"{parser.prog} {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated as e:
        print(f"terminated by signal {e.signum}", file=sys.stderr)
        return 128 + e.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _handle_termination():
    """Turn SIGTERM and SIGHUP (what CI, ``timeout`` and a closed terminal send) into :class:`Terminated`."""
    def terminate(signum, frame):
        raise Terminated(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            try:
                previous[signum] = signal.signal(signum, terminate)
            except ValueError:  # not the main thread: leave the signals alone
                pass
    return previous
