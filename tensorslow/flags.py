"""``tf.app.flags`` / ``tf.flags``: command-line flags as TF1 programs define them, on top of ``argparse``.

TensorFlow re-exports ``absl.flags``. TensorSlow keeps its behaviour without the dependency::

    flags.DEFINE_float("learning_rate", 0.01, "Initial learning rate.")
    FLAGS = flags.FLAGS
    ...
    tf.app.run()          # parses sys.argv, then calls main(argv); main reads FLAGS.learning_rate

Flags are read as attributes of ``FLAGS`` once the command line was parsed (``FLAGS(argv)``, which
``tf.app.run`` calls); reading one before is an ``UnparsedFlagAccessError``, as with absl. The command
line accepts ``--name=value``, ``--name value``, ``--flag``/``--noflag`` for booleans, and ``--`` to
end the flags.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any


class Error(Exception):
    """Base class of flag errors (absl's ``flags.Error``)."""


class UnparsedFlagAccessError(Error):
    """A flag was read before the command line was parsed."""


class IllegalFlagValueError(Error, ValueError):
    """A flag's value could not be converted or is not allowed."""


class UnrecognizedFlagError(Error):
    """The command line names a flag that was never defined."""


class DuplicateFlagError(Error):
    """A flag was defined twice."""


class Flag:
    """One flag: its name, default, help text and the function that converts a command-line string."""

    def __init__(self, name: str, default: Any, help_text: str, parse: Callable[[str], Any],
                 boolean: bool = False) -> None:
        self.name, self.help, self._parse, self.boolean = name, help_text, parse, boolean
        self.default = self.convert(default) if isinstance(default, str) else default
        self.value = self.default
        self.present = 0

    def convert(self, text: str) -> Any:
        try:
            return self._parse(text)
        except (TypeError, ValueError) as error:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {error}") from None


def _parse_bool(text: str) -> bool:
    lowered = str(text).lower()
    if lowered in ("true", "t", "1"):
        return True
    if lowered in ("false", "f", "0"):
        return False
    raise ValueError("Non-boolean argument to boolean flag", text)  # two args: absl's message shows both


def _parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")] if text else []


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit: raise the flag error instead
        raise IllegalFlagValueError(message)


class FlagValues:
    """The set of defined flags (``FLAGS``): ``FLAGS.name`` reads a value, ``FLAGS(argv)`` parses."""

    def __init__(self) -> None:
        self.__dict__["_flags"] = {}
        self.__dict__["_parsed"] = False

    # -- attributes -------------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            raise UnparsedFlagAccessError(f"Trying to access flag --{name} before flags were parsed.")
        return flags[name].value

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._flags:
            raise AttributeError(f"Unknown flag {name!r}: define it with DEFINE_*(...) first")
        self._flags[name].value = value

    def __getitem__(self, name: str) -> Flag:
        return self._flags[name]

    def __contains__(self, name: str) -> bool:
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    # -- defining and parsing ---------------------------------------------------------------------------
    def define(self, flag: Flag) -> None:
        if flag.name in self._flags:
            raise DuplicateFlagError(f"The flag {flag.name!r} is defined twice. Description from first "
                                     f"occurrence: {self._flags[flag.name].help}")
        self._flags[flag.name] = flag

    def __call__(self, argv: Sequence[str], known_only: bool = False) -> list[str]:
        """Parse ``argv`` (``argv[0]`` is the program); return ``argv[0]`` and the arguments left over.

        An undefined ``--flag`` is an ``UnrecognizedFlagError`` unless ``known_only`` (then it is left over,
        as ``tf.app.run`` leaves it for ``main``)."""
        argv = list(argv)
        if not argv:
            raise ValueError("argv cannot be empty")
        head, tail = argv[1:], []
        if "--" in head:
            head, tail = head[:head.index("--")], head[head.index("--") + 1:]
        if any(a in ("-h", "-help", "--help", "--helpshort", "--helpfull") for a in head):
            _print_help_and_exit(self)
        parser = _Parser(add_help=False, allow_abbrev=False)
        for flag in self._flags.values():
            absent = {"dest": flag.name, "default": argparse.SUPPRESS}  # an absent flag keeps its value
            if flag.boolean:  # `--flag` and `--noflag` take no value (`--flag=false` is rewritten first)
                parser.add_argument(f"--{flag.name}", f"-{flag.name}", action="store_const", const="true", **absent)
                parser.add_argument(f"--no{flag.name}", f"-no{flag.name}", action="store_const", const="false",
                                    **absent)
            else:
                parser.add_argument(f"--{flag.name}", f"-{flag.name}", **absent)
        head = [self._spell_boolean(a) for a in head]
        namespace, rest = parser.parse_known_args(head, argparse.Namespace())
        unknown = [a for a in rest if a.startswith("-") and len(a) > 1]
        if unknown and not known_only:
            raise UnrecognizedFlagError(f"Unknown command line flag {unknown[0].lstrip('-').split('=')[0]!r}")
        for name, text in vars(namespace).items():
            flag = self._flags[name]
            flag.value, flag.present = flag.convert(text), 1
        self.__dict__["_parsed"] = True
        return [argv[0], *rest, *tail]

    def _spell_boolean(self, arg: str) -> str:
        """``--flag=false`` as ``--noflag`` (and ``--flag=true`` as ``--flag``) for a boolean flag."""
        name, eq, text = arg.lstrip("-").partition("=")
        flag = self._flags.get(name)
        if not (arg.startswith("-") and eq and flag is not None and flag.boolean):
            return arg
        return f"--{name}" if flag.convert(text) else f"--no{name}"

    def is_parsed(self) -> bool:
        return self._parsed

    def mark_as_parsed(self) -> None:
        self.__dict__["_parsed"] = True

    def unparse_flags(self) -> None:
        """Back to the defaults, unparsed (tests use it between runs)."""
        for flag in self._flags.values():
            flag.value, flag.present = flag.default, 0
        self.__dict__["_parsed"] = False

    def flag_values_dict(self) -> dict[str, Any]:
        return {name: flag.value for name, flag in self._flags.items()}

    def get_flag_value(self, name: str, default: Any) -> Any:
        return self._flags[name].value if name in self._flags else default

    def help_text(self) -> str:
        return "\n".join(f"  --{f.name}: {f.help}\n    (default: {f.default!r})" for f in self._flags.values())


FLAGS = FlagValues()


def _define(name: str, default: Any, help_text: str, parse: Callable[[str], Any], flag_values: FlagValues,
            boolean: bool = False) -> Flag:
    flag = Flag(name, default, help_text, parse, boolean)
    flag_values.define(flag)
    return flag


def DEFINE_string(name: str, default: str | None, help: str, flag_values: FlagValues = FLAGS,  # noqa: N802, A002
                  **_: Any) -> Flag:
    return _define(name, default, help, str, flag_values)


def DEFINE_integer(name: str, default: int | None, help: str, lower_bound: int | None = None,  # noqa: N802, A002
                   upper_bound: int | None = None, flag_values: FlagValues = FLAGS, **_: Any) -> Flag:
    return _define(name, default, help, _bounded(int, lower_bound, upper_bound), flag_values)


def DEFINE_float(name: str, default: float | None, help: str, lower_bound: float | None = None,  # noqa: N802, A002
                 upper_bound: float | None = None, flag_values: FlagValues = FLAGS, **_: Any) -> Flag:
    return _define(name, default, help, _bounded(float, lower_bound, upper_bound), flag_values)


def DEFINE_boolean(name: str, default: bool | None, help: str, flag_values: FlagValues = FLAGS,  # noqa: N802, A002
                   **_: Any) -> Flag:
    return _define(name, default, help, _parse_bool, flag_values, boolean=True)


DEFINE_bool = DEFINE_boolean


def DEFINE_list(name: str, default: Any, help: str, flag_values: FlagValues = FLAGS,  # noqa: N802, A002
                **_: Any) -> Flag:
    """A comma-separated list of strings: ``--names=a,b`` gives ``["a", "b"]``."""
    return _define(name, default, help, _parse_list, flag_values)


def DEFINE_enum(name: str, default: str | None, enum_values: Sequence[str], help: str,  # noqa: N802, A002
                flag_values: FlagValues = FLAGS, **_: Any) -> Flag:
    """A string that must be one of ``enum_values``."""
    values = list(enum_values)

    def parse(text: str) -> str:
        if text not in values:
            raise ValueError(f"value should be one of <{'|'.join(values)}>")
        return text
    return _define(name, default, help, parse, flag_values)


def _bounded(kind: Callable[[str], Any], lower: Any, upper: Any) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if (lower is not None and value < lower) or (upper is not None and value > upper):
            raise ValueError(f"{value} is not in the range [{lower}, {upper}]")
        return value
    return parse


def _print_help_and_exit(flag_values: FlagValues) -> None:
    print(f"usage: {sys.argv[0] if sys.argv else 'program'} [flags]\n\nflags:\n{flag_values.help_text()}")
    sys.exit(1)  # absl exits with status 1 after --help

# The public API: what `tensorslow.flags` offers (imports used to build it are not part of it).
__all__ = ["DEFINE_bool", "DEFINE_boolean", "DEFINE_enum", "DEFINE_float", "DEFINE_integer", "DEFINE_list",
           "DEFINE_string", "DuplicateFlagError", "Error", "FLAGS", "Flag", "FlagValues", "IllegalFlagValueError",
           "UnparsedFlagAccessError", "UnrecognizedFlagError"]
