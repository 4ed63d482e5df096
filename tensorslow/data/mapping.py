"""``Dataset.map`` and ``Dataset.filter``: a Python function of ops, applied to every element.

TF traces a dataset function once, into a function graph of its own, and its kernels run it per
element. TensorSlow does the same with a private graph, a :class:`FuncGraph`:

* **Tracing** (when ``map(fn)`` is called): one placeholder per component of the input element
  (``args_0``, ``args_1``...), arranged in the element's structure, are passed to ``fn`` (a tuple
  element is unpacked into positional arguments, anything else is one argument, as in TF); the
  ops ``fn`` builds land in the private graph, and what it returns (tensors, or Python values,
  which become constants; a list becomes a tuple) is the structure of the new elements.
* **Running** (per element): the function's compiled :class:`~tensorslow.plan.Plan`, built once
  per binding, is run with the element's arrays fed to the placeholders, with the session's state,
  except for random streams: a random op in ``fn`` draws from a stream of its own that starts
  over with each binding, as TF instantiates a function's kernels anew for each iterator. So
  ``map(lambda x: x + tf.random_uniform([], seed=1))`` adds TF's numbers, and the same ones again
  after the iterator is re-initialized.

The main graph gets only the dataset op (``MapDataset``, ``FilterDataset``), as in TF, where the
function lives in the graph's function library: its ops are not among ``get_operations()``.

The function graph inherits the outer graph's seed (an op seed for a random op without one is
derived as in TF's function graph). Tensors of the outer graph cannot be used in ``fn``: build
what it needs inside it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Graph, get_default_graph
from ..ops.core import convert_to_tensor
from ..plan import Plan
from ..variables import Placeholder
from . import structure
from .stages import Context, Epoch, Stage, param
from .structure import TensorSpec


class FuncGraph(Graph):
    """The graph of a dataset function, TF's ``FuncGraph``: the function's own ops, not a graph of the
    program (tools that list a program's graphs leave it out, as they leave TF's out)."""


class Function:
    """A dataset function traced into its own graph (see the module docstring).

    Attributes:
        graph: the private graph holding its ops.
        inputs: its placeholders, one per component of the input element.
        outputs: the tensors it returns, flat.
        spec: the structure of what it returns, with a TensorSpec per component.
    """

    def __init__(self, fn: Callable[..., Any], input_spec: Any, what: str) -> None:
        self.graph = FuncGraph()
        # TF runs a dataset function as a function, not through the session's graph optimizer: x / 10.0 in a
        # map function is a true division there (see math_ops._real_div_node)
        self.graph.folds_constant_divisions = False
        self.graph.seed = get_default_graph().seed
        with self.graph.as_default():
            flat = structure.flatten(input_spec)
            self.inputs = [Placeholder(s.dtype, s.shape, name=f"args_{k}") for k, s in enumerate(flat)]
            args = structure.pack(input_spec, self.inputs)
            try:
                result = fn(*args) if type(args) is tuple else fn(args)
            except ValueError as error:
                if "different graph" not in str(error):
                    raise
                raise ValueError(f"{what}: {error}. The function runs in the dataset's own graph: it cannot use "
                                 f"tensors made outside it; make them inside the function (constants, or "
                                 f"NumPy values).") from None
            result = structure.normalize(result, lists_as="tuple")
            leaves = structure.flatten(result)
            if result is None or any(leaf is None for leaf in leaves) or (structure.is_structure(result)
                                                                          and not leaves):
                raise ValueError(f"{what}: the function returned {result!r}; it must return a tensor, or a "
                                 f"tuple or dict of tensors (TF: list of length 0 less than minimum 1)")
            self.outputs = [convert_to_tensor(v, name=f"output_{k}") for k, v in enumerate(leaves)]
        self.spec = structure.pack(result, [TensorSpec.from_tensor(t) for t in self.outputs])

    def bind(self, state: Any) -> Callable[[tuple], tuple]:
        """``element -> result`` (flat tuples of arrays), compiled for the session of ``state``."""
        plan = Plan(self.outputs, set(self.inputs), _FunctionState(state))
        inputs = self.inputs
        return lambda element: tuple(plan.run(dict(zip(inputs, element)), hand_out_values=False))


class _FunctionState:
    """The session's state as one binding of a dataset function sees it: the session's variables and
    lock, and random streams of its own (see the module docstring)."""

    def __init__(self, state: Any) -> None:
        self._session_state = state
        self._generators: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:  # variables, lock, session...: the session's
        return getattr(self._session_state, name)

    def generator(self, node: Any, make: Callable[[Any], Any]) -> Any:
        """``node``'s random stream in this binding: ``make(node)`` on first use, then the same one."""
        with self._session_state.lock:
            stream = self._generators.get(node)
            if stream is None:
                stream = self._generators[node] = make(node)
            return stream


class Map(Stage):
    """``map(fn)``: each element replaced by ``fn(element)``. With ``num_parallel_calls`` TF builds
    ``ParallelMapDatasetV2`` (elements mapped on several threads, handed out in order): the same elements."""

    op_type = "MapDataset"

    def __init__(self, source: Stage, fn: Callable[..., Any], num_parallel_calls: Any = None) -> None:
        self.inputs = (source,)
        self.function = Function(fn, source.spec, "Dataset.map")
        self.spec = self.function.spec
        if num_parallel_calls is not None:
            self.op_type = "ParallelMapDatasetV2"
            self.tensors = (param(num_parallel_calls, "num_parallel_calls"),)

    def make(self, ctx: Context) -> Epoch:
        source, apply = ctx.input(), self.function.bind(ctx.state)
        return lambda: (apply(element) for element in source())


class Filter(Stage):
    """``filter(predicate)``: the elements for which ``predicate(element)`` is true."""

    op_type = "FilterDataset"

    def __init__(self, source: Stage, predicate: Callable[..., Any]) -> None:
        self.inputs, self.spec = (source,), source.spec
        self.function = Function(predicate, source.spec, "Dataset.filter")
        out = self.function.spec
        if not isinstance(out, TensorSpec) or out.dtype != _dtypes.bool or out.shape.ndims not in (0, None):
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                             f"return type is {out}.")

    def make(self, ctx: Context) -> Epoch:
        source, test = ctx.input(), self.function.bind(ctx.state)
        return lambda: (element for element in source() if bool(test(element)[0]))

