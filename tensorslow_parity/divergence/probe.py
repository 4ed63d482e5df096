"""The probe: counts a program's ``Session.run`` calls and captures every tensor of the chosen one.

:class:`Probe` replaces the engine's ``Session.run`` (TensorSlow's ``Session.run``
or TensorFlow's ``BaseSession.run``) for the lifetime of the worker process.
Every outermost call counts as one run, numbered from 1 (a run that starts
another inside it, as TensorSlow's first read of a variable runs its
initializer, is still one run). The run to capture is run ``target`` if given,
else the first run that computes gradients, i.e. the first training step: its
fetch set reaches TF's ``gradients/...`` ops or TensorSlow's ``Gradients``
nodes (``engine.is_training``).

At that run the probe hands the call to ``engine.capture`` (which runs it once,
the program's fetches plus every intermediate tensor, and returns a
:class:`Capture`) and stops the program by raising :class:`CaptureDone`, a
``BaseException`` that a program's ``except Exception`` lets through: what the
program would do after that run cannot change the captured values.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


class CaptureDone(BaseException):  # noqa: N818  (a signal to stop, not an error)
    """Raised in the program at the captured run: the program stops there."""


class DivergenceError(Exception):
    """A run could not be chosen or captured; the message says why (the worker's last stderr line)."""


@dataclass
class Tensor:
    """One tensor of the captured run: its name (``op:k``), op name and type, input tensors' names, and
    ``dtype``/``shape`` of the value (when one was captured) or ``note`` saying why none was."""
    name: str
    op: str
    type: str
    inputs: list[str]
    dtype: str | None = None
    shape: list[int] | None = None
    note: str | None = None


@dataclass
class Capture:
    """What one engine computed in the chosen run."""
    engine: str
    run: int
    fetches: list[str]
    tensors: list[Tensor]                     # every tensor the run computed, in the graph's creation order
    values: dict[str, Any] = field(default_factory=dict)  # tensor name -> NumPy array
    runs: list[dict] = field(default_factory=list)        # the runs before it: {"fetches": [...], "training": bool}


class Probe:
    """Wraps ``cls.run`` (``cls`` is the engine's session class) until :meth:`uninstall`."""

    def __init__(self, engine, target=None):
        self.engine, self.target = engine, target
        self.count = 0
        self.runs: list[dict] = []
        self.capture: Capture | None = None
        self._depth = threading.local()
        self._cls = engine.session_class()
        self._original = self._cls.run
        probe = self

        def run(session, fetches, feed_dict=None, options=None, run_metadata=None):
            return probe._run(session, fetches, feed_dict, options, run_metadata)
        run.__doc__ = self._original.__doc__
        self._cls.run = run

    def uninstall(self):
        self._cls.run = self._original

    def _run(self, session, fetches, feed_dict, options, run_metadata):
        depth = getattr(self._depth, "value", 0)
        if depth or self.capture is not None:  # a run inside a run, or after the capture (a finally block)
            return self._original(session, fetches, feed_dict, options, run_metadata)
        self._depth.value = 1
        try:
            self.count += 1
            try:
                fetch_names, training = self.engine.describe(session, fetches, feed_dict)
            except Exception as e:  # noqa: BLE001  (a fetch the probe cannot follow: only that run is lost)
                if self.count == self.target:
                    raise DivergenceError(f"run {self.count}: cannot follow its fetches {fetches!r}: {e}"[:500]) from e
                fetch_names, training = [f"(not understood: {type(e).__name__})"], False
            chosen = self.count == self.target if self.target is not None else training
            if not chosen:
                self.runs.append({"fetches": fetch_names, "training": training})
                return self._original(session, fetches, feed_dict, options, run_metadata)
            capture = self.engine.capture(self._original, session, fetches, feed_dict, options, run_metadata)
            capture.run, capture.fetches, capture.runs = self.count, fetch_names, self.runs
            self.capture = capture
        finally:
            self._depth.value = 0
        raise CaptureDone

    def missed(self):
        """Why no run was captured (the program ended first): a :class:`DivergenceError`."""
        runs = "\n".join(f"  run {k}: {', '.join(r['fetches'][:6]) or '(nothing)'}"
                         + (" [computes gradients]" if r["training"] else "")
                         for k, r in enumerate(self.runs[:30], start=1))
        if self.target is not None:
            return DivergenceError(f"--run {self.target} is beyond the program's runs: it made {self.count} "
                                   f"session run(s)" + (":\n" + runs if runs else ""))
        return DivergenceError(f"none of the program's {self.count} session run(s) computes gradients (a training "
                               f"step); choose one with --run N" + (":\n" + runs if runs else ""))
