"""The default session: the one ``with tf.Session() as sess:`` (or ``sess.as_default()``) installs for this
thread, which ``Tensor.eval()``, ``Operation.run()`` and ``Variable.load()`` use when given none."""
from __future__ import annotations

import threading
from typing import Any

_session_stack = threading.local()  # .stack: this thread's default sessions, innermost last


def push_session(session: Any) -> None:
    stack = getattr(_session_stack, "stack", [])
    _session_stack.stack = stack + [session]


def pop_session(session: Any) -> None:
    stack = getattr(_session_stack, "stack", [])
    if stack and stack[-1] is session:
        _session_stack.stack = stack[:-1]
    elif session in stack:
        _session_stack.stack = [s for s in stack if s is not session]


def get_default_session() -> Any:
    """The innermost session installed as default in this thread, or None."""
    stack = getattr(_session_stack, "stack", None)
    return stack[-1] if stack else None


def session_for(node: Any, session: Any) -> Any:
    """``session``, else the default session, checked to run ``node``'s graph; ValueError naming the node."""
    session = session or get_default_session()
    if session is None:
        raise ValueError(f"Cannot evaluate {node.name!r}: no default session is registered. Use "
                         "`with tf.Session() as sess:` or pass session=sess.")
    if session.graph is not node.graph:
        raise ValueError(f"Cannot evaluate {node.name!r}: the session's graph is not the node's graph.")
    return session
