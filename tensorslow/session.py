"""Sessions: where graphs run and where variables keep their values.

``Session.run(fetches, feed_dict)`` converts and checks the feeds, then runs
the nodes the fetches need, and returns values in the structure of ``fetches``.
By default it finds (or builds once) the compiled :class:`~tensorslow.plan.Plan`
for this set of fetches and fed nodes; ``Session(executor="reference")`` runs
the reference interpreter of ``executor.py`` instead (same numbers, slower,
easier to follow and to watch step by step).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import default_session as _default_session
from . import executor as _executor
from . import graph as _graph
from .backend import ON_HOST, freeze, to_device, xp
from .errors import FailedPreconditionError, InvalidArgumentError
from .graph import Tensor
from .plan import Plan, check_alive, hand_out, topological_order

EXECUTORS = ("compiled", "reference")

_check_numerics = False


def enable_check_numerics(*_args: Any, **_kwargs: Any) -> None:
    """Make every run check each op's output and name the first op that produced NaN or Inf."""
    global _check_numerics
    _check_numerics = True


def disable_check_numerics() -> None:
    global _check_numerics
    _check_numerics = False


class SessionState:
    """A session's variable values and random generators.

    ``lock`` makes each read-modify-write of variables (an optimizer's step, ``assign_add``) atomic, as
    TF1's variable updates are, so threads running one session lose no update. It is reentrant: the
    first read of a variable runs its initializer inside the update.
    """

    def __init__(self, session):
        self.session = session
        self.variables = _VariableStore(self)
        self._generators = {}
        self.lock = threading.RLock()
        self.subplans = {}  # compiled plans of cond branches and loop bodies run in this session (control_flow/)

    def write(self, var, value):
        """Store ``value`` (cast to the variable's dtype, shape checked) as ``var``'s value; return it."""
        array = xp.asarray(value, dtype=var.dtype.as_numpy_dtype if var.dtype is not None else None)
        if not var.shape.is_compatible_with(array.shape):
            raise InvalidArgumentError(var, f"Cannot assign a value of shape {array.shape} to variable "
                                            f"{var.op_name!r} of shape {var.shape}")
        self.variables[var] = freeze(array)  # fetched arrays may alias it; updates make new arrays
        return array

    def generator(self, node, make):
        """``node``'s random generator in this session: ``make(node)`` on first use, then the same one,
        advanced by every run (a random op's stream belongs to its session, as a TF kernel's does)."""
        with self.lock:
            generator = self._generators.get(node)
            if generator is None:
                generator = self._generators[node] = make(node)
            return generator


class _VariableStore(dict):
    """Variable -> value. A variable read before it was set is initialized from its initial value."""

    def __init__(self, state):
        super().__init__()
        self._state = state

    def __missing__(self, var):
        with self._state.lock:  # two threads reading it first: one initializes, after the other's update
            if not dict.__contains__(self, var):
                self._state.session.run(var.initializer)
        return dict.__getitem__(self, var)


class Session:
    """Runs graphs. ``with Session() as sess:`` also makes it the default for ``eval()``/``run()``."""

    def __init__(self, target: str = "", graph: _graph.Graph | None = None, config: Any = None, *,
                 executor: str = "compiled", watch: Callable[[str, Tensor, Any], Any] | None = None) -> None:
        """``executor``: "compiled" (plans, the default) or "reference" (``executor.py``, one op at a
        time); ``watch(event, node, value)`` is called at each step of the reference executor."""
        if executor not in EXECUTORS:
            raise ValueError(f"Session: executor must be one of {', '.join(map(repr, EXECUTORS))}, got {executor!r}")
        if watch is not None and executor != "reference":
            raise ValueError("Session: watch=... needs executor='reference' (compiled plans run as one call)")
        self.executor = executor
        self._watch = watch
        if graph is not None and not isinstance(graph, _graph.Graph):
            raise TypeError(f"Session: argument `graph` must be a tf.Graph, but got {type(graph).__name__!r}")
        self.graph = graph if graph is not None else _graph.get_default_graph()
        self._state = SessionState(self)
        self._plans: dict[Any, Plan] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- context management ----------------------------------------------------------------
    def __enter__(self) -> Session:
        _default_session.push_session(self)
        return self

    def __exit__(self, *exc):
        _default_session.pop_session(self)
        self.close()
        return False

    def as_default(self) -> _DefaultSession:
        return _DefaultSession(self)

    def close(self) -> None:
        """Release the session's plans (and the arrays they keep between runs); later runs raise."""
        self._closed = True
        self._plans.clear()
        self._state.subplans.clear()

    # -- running -------------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: dict[Any, Any] | None = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Evaluate ``fetches`` (a node, a name, or a list/tuple/dict nesting of them).

        ``feed_dict`` maps placeholders (or any node, or a tensor name) to values;
        values may be nested Python lists.
        """
        if self._closed:
            raise FailedPreconditionError(None, "Attempted to use a closed Session.")
        if isinstance(fetches, Tensor):  # fast paths: a single node, a flat list or tuple of nodes
            flat, rebuild = [fetches], _first
        elif type(fetches) is list and _all_nodes(fetches):
            flat, rebuild = fetches, _same  # the plan's output list is new at each run
        elif type(fetches) is tuple and _all_nodes(fetches):
            flat, rebuild = fetches, tuple  # type: ignore[assignment]  # a tuple of nodes serves as the list
        else:
            flat, rebuild = _flatten_fetches(fetches, self.graph)
        graph = self.graph
        feeds = {}
        if feed_dict:
            if not isinstance(feed_dict, dict):
                feed_dict = _feed_dict_of(feed_dict)
            for key, value in feed_dict.items():
                # A node of this graph that has a value is a valid key (checked inline: this is per step).
                node = key if isinstance(key, Tensor) and key.graph is graph and key.has_value \
                    else self._feed_node(key)
                feeds[node] = _convert_feed_value(node, value) if ON_HOST else _feed_on_device(node, value)
        if self.executor == "reference":
            self._check_fetches(flat)
            values = _executor.run(topological_order(flat, feeds), feeds, self._state, self._watch, _check_numerics)
            fed_values = list(feeds.values())
            fetched = [values[node] for node in flat]
            check_alive(fetched, [(k, node) for k, node in enumerate(flat) if node.may_be_dead])
            return rebuild([hand_out(value, fed_values) for value in fetched])
        return rebuild(self._plan(flat, feeds).run(feeds))

    def _plan(self, flat, feeds):
        key = (tuple(flat), tuple(feeds), _check_numerics)
        plan = self._plans.get(key)
        if plan is None:
            self._check_fetches(flat)  # once per plan: a plan's fetches are this graph's nodes
            with self._lock:
                plan = self._plans[key] = Plan(flat, feeds, self._state, _check_numerics)
        return plan

    def _check_fetches(self, flat):
        for node in flat:
            if node.graph is not self.graph:
                raise ValueError(f"Fetch {node.name!r} is not an element of this session's graph.")
            if "frame" in node.__dict__:  # a tensor of one iteration of a while loop (control_flow/frame.py)
                raise ValueError(f"Operation {node.op_name!r} has been marked as not fetchable: it is inside the "
                                 f"while loop {node.__dict__['frame']!r}; fetch the loop's results instead.")

    def plan(self, fetches: Any, feed_dict: dict[Any, Any] | None = None) -> Plan:
        """The compiled :class:`~tensorslow.plan.Plan` that ``run(fetches, feed_dict)`` uses: its
        ``order`` of nodes, its ``steps`` and its generated ``source`` (``print(sess.plan(...))``)."""
        flat, _ = _flatten_fetches(fetches, self.graph) if not isinstance(fetches, Tensor) else ([fetches], None)
        feeds = {self._feed_node(key): None for key in (feed_dict or {})}
        return self._plan(flat, feeds)

    def _feed_node(self, key):
        if isinstance(key, str):
            return self.graph.get_tensor_by_name(key)
        if not isinstance(key, Tensor):
            raise TypeError(f"feed_dict key {key!r} is not a graph node: keys must be placeholders "
                            f"(or other nodes) of this session's graph")
        if key.graph is not self.graph:
            raise ValueError(f"feed_dict key {key.name!r} is not an element of this session's graph")
        if not key.has_value:
            raise TypeError(f"feed_dict key {key.name!r} is an operation with no output; it cannot be fed")
        return key

    def make_callable(self, fetches: Any, feed_list: Sequence[Any] | None = None) -> Callable[..., Any]:
        feed_list = list(feed_list or [])
        return lambda *values: self.run(fetches, dict(zip(feed_list, values)))

    def list_devices(self) -> list[Any]:
        return ["/device:CPU:0"]


def _feed_dict_of(feed_dict):
    """A feed_dict given as another mapping; TypeError for anything else (a list, a tuple...)."""
    from collections.abc import Mapping
    if not isinstance(feed_dict, Mapping):
        raise TypeError(f"Session.run: feed_dict must be a dictionary (placeholder -> value), instead of "
                        f"{type(feed_dict).__name__!r}: {feed_dict!r}"[:300])
    return dict(feed_dict)


def _convert_feed_value(node, value):
    """``value`` as an array of ``node``'s dtype; error naming the node if dtype or shape contradicts it.
    (A fetched value that is the caller's array, or a view of it, is copied when fetched: see Plan.run.)"""
    dtype = node.dtype
    if type(value) is np.ndarray and dtype is not None and value.dtype == dtype.as_numpy_dtype:
        return _check_feed_shape(node, value)  # the common case: an array of the right dtype
    try:
        array = np.asarray(value)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"Cannot feed {value!r} for {node.name!r}: {e}") from None
    if dtype is not None and array.dtype != dtype.as_numpy_dtype:
        target = dtype.as_numpy_dtype
        integral = array.dtype.kind == "f" and target.kind in "iu" and np.array_equal(array, np.trunc(array))
        if array.dtype.kind not in "biuf" or not (integral or np.can_cast(array.dtype, target, "same_kind")):
            raise TypeError(f"Cannot feed a value of dtype {array.dtype} for {node.name!r}, which has dtype "
                            f"{dtype.name}")
        array = array.astype(target)
    return _check_feed_shape(node, array)


def _feed_on_device(node, value):
    """A fed value, checked on the host, then moved to the device to be computed on; strings (object
    arrays: a Saver's checkpoint prefix) stay on the host, where the ops that read them run."""
    array = _convert_feed_value(node, value)
    return array if array.dtype == object else to_device(array)


def _check_feed_shape(node, array):
    dims = node._shape.dims
    if dims is not None:
        shape = array.shape
        if len(shape) != len(dims):
            _bad_feed_shape(node, shape)
        for d, s in zip(dims, shape):
            if d is not None and d != s:
                _bad_feed_shape(node, shape)
    return array


def _bad_feed_shape(node, shape):
    raise ValueError(f"Cannot feed value of shape {shape} for {node.name!r}, which has shape {node.shape}")


def _first(values):
    return values[0]


def _same(values):
    return values


def _all_nodes(items):
    for item in items:
        if not isinstance(item, Tensor):
            return False
    return True


_RUN_ONLY = object()  # the template's mark of a fetched operation (tensor.op): run, fetched as None


def _flatten_fetches(fetches, graph):
    """Flatten a nesting of lists/tuples/dicts of fetches into (nodes, rebuild function)."""
    flat = []

    def walk(item):
        if isinstance(item, Tensor):
            flat.append(item)
            return len(flat) - 1
        if isinstance(item, str):
            flat.append(graph.get_tensor_by_name(item))
            return len(flat) - 1
        if isinstance(item, dict):
            return type(item), [(k, walk(v)) for k, v in item.items()]
        if isinstance(item, tuple) and hasattr(item, "_fields"):  # namedtuple
            return type(item), [walk(v) for v in item]
        if isinstance(item, (list, tuple)):
            return type(item), [walk(v) for v in item]
        if isinstance(item, _graph.OpView):  # an operation: TF runs it and fetches None
            flat.append(item.node)
            return _RUN_ONLY, len(flat) - 1
        if hasattr(item, "op") and isinstance(item.op, Tensor):
            return walk(item.op)
        raise TypeError(f"Fetch argument {item!r} has invalid type {type(item).__name__}: fetches must be "
                        f"graph nodes, tensor names, or lists/tuples/dicts of them")

    template = walk(fetches)

    def build(t, values):
        if isinstance(t, int):
            return values[t]
        kind, items = t
        if kind is _RUN_ONLY:
            return None
        if issubclass(kind, dict):
            return kind((k, build(v, values)) for k, v in items)
        if hasattr(kind, "_fields"):
            return kind(*[build(v, values) for v in items])
        return kind(build(v, values) for v in items)

    return flat, lambda values: build(template, values)


class InteractiveSession(Session):
    """A session that makes itself the default on creation (for shells and notebooks)."""

    def __init__(self, target: str = "", graph: _graph.Graph | None = None, config: Any = None) -> None:
        super().__init__(target, graph, config)
        _default_session.push_session(self)

    def close(self) -> None:
        _default_session.pop_session(self)
        super().close()


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _default_session.push_session(self.session)
        return self.session

    def __exit__(self, *exc):
        _default_session.pop_session(self.session)
        return False
