"""Control flow: ``tf.cond`` and ``tf.case`` as TF1's Switch and Merge ops; ``tf.while_loop`` as TF1's loop frame.

* ``cond``: built as TF1 builds it (read ``control_flow/dataflow.py``): ``Switch`` ops route the
  predicate and every value a branch uses from outside into the branch the predicate picks, and a
  ``Merge`` per output forwards the value of the branch taken. The untaken branch's tensors are dead,
  so its ops (and their side effects) do not run; gradients flow through the branch taken only.
* ``case``: nested conds, last pair innermost, with TF1's ``Assert`` checks (guarded by conds).
* ``while_loop``: built as TF1 builds it (read ``control_flow/frame.py``): ``Enter``, ``Merge``, the
  condition's ops, ``LoopCond``, ``Switch``, ``Identity``, the body's ops, ``NextIteration`` and ``Exit``
  ops, outside tensors entering through ``Enter`` ops. A frame runner, a node that is not an op of the
  graph, runs the frame iteration by iteration until the condition is false, keeping each iteration's
  values; the ``Exit`` ops give the final loop vars. Its gradient (registered here) runs the body's
  backward pass once per iteration, last iteration first, passing dL/d(loop vars) back through the
  iterations and summing dL/d(captured tensor) over them: backpropagation through time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from ..backend import xp
from ..control_flow import nest
from ..control_flow.dataflow import CondContext, merge, switch
from ..control_flow.frame import build_frame
from ..control_flow.region import OutputGradients
from ..errors import InvalidArgumentError
from ..graph import NoValueOp, Tensor, _graph_of, control_dependencies, get_default_graph
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape
from ..variables import no_op
from .array_ops import identity, stack
from .core import convert_to_tensor
from .math_ops import cast, less_equal, logical_and
from .reduction_ops import reduce_sum
from .tensor_array_ops import TensorArray

# -- tf.cond -----------------------------------------------------------------------------------------

def cond(pred: Any, true_fn: Callable[[], Any] | None = None, false_fn: Callable[[], Any] | None = None,
         strict: bool = False, name: str | None = None, fn1: Callable[[], Any] | None = None,
         fn2: Callable[[], Any] | None = None) -> Any:
    """``true_fn()`` if the scalar bool tensor ``pred`` is true when run, else ``false_fn()``.

    Both functions are called once, now, to build their branches; at run time only the taken branch's
    ops run. They must return the same structure of tensors (a tensor, or nested lists, tuples and
    dicts of them) with the same dtypes; the result has that structure (a one-element list or tuple
    comes back as its element, unless ``strict``).

    Built as TF1 builds it (``control_flow/dataflow.py``): ``cond/Switch`` = Switch(pred, pred), its
    outputs' Identities ``cond/switch_t`` and ``cond/switch_f`` (the branches' pivots), ``cond/pred_id``;
    then each branch's ops in a :class:`CondContext`, true branch first, outside inputs coming in through
    Switch ops; then one ``cond/Merge`` per output, of (false value, true value).
    """
    true_fn = _branch_function(true_fn, fn1, "true_fn", "fn1")
    false_fn = _branch_function(false_fn, fn2, "false_fn", "fn2")
    graph = pred.graph if isinstance(pred, Tensor) else get_default_graph()
    with graph.name_scope(name or "cond") as scope:
        if isinstance(pred, bool):
            raise TypeError("'pred' must not be a Python bool.")
        pred = _predicate(convert_to_tensor(pred), scope, "pred", "Switch")
        p_false, p_true = switch(pred, pred)
        pivots = {True: identity(p_true, name="switch_t"), False: identity(p_false, name="switch_f")}
        pred = identity(pred, name="pred_id")
        results, flats = [], []
        for fn, label, taken in ((true_fn, "true_fn", True), (false_fn, "false_fn", False)):
            context = CondContext(pred, pivots[taken], int(taken))
            with context.active():
                result = fn()
                if result is None:
                    raise ValueError(f"'{label}' must have a return value.")
                flats.append([context.output(v) for v in nest.flatten(result)])
            results.append(result if strict else _unpack_if_singleton(result))
        _same_structure(results[0], results[1], f"cond {scope[:-1]!r}: 'true_fn' and 'false_fn' return them")
        if not flats[0]:
            raise ValueError("'true_fn' and 'false_fn' must return at least one result.")
        for t, f in zip(*flats):
            if t.dtype != f.dtype:
                raise ValueError(f"Outputs of 'true_fn' and 'false_fn' must have the same type(s). Received "
                                 f"{_dtype_name(t)} from 'true_fn' and {_dtype_name(f)} from 'false_fn'.")
        merged = nest.pack_sequence_as(results[0], [merge([f, t], may_be_dead=pred.may_be_dead)
                                                    for t, f in zip(*flats)])
    return merged if strict else _unpack_if_singleton(merged)


def _branch_function(fn, alias, label, alias_label):
    if alias is not None:
        if fn is not None:
            raise TypeError(f"cond(): '{label}' and '{alias_label}' may not be set simultaneously.")
        fn = alias
    elif fn is None:
        raise TypeError(f"cond(): '{label}' argument required")
    if not callable(fn):
        raise TypeError(f"'{label}' must be callable.")
    return fn


def _predicate(pred, scope, what, op_type):
    """``pred`` checked as a predicate: a bool tensor of rank 0 (or of unknown rank: checked when run)."""
    if pred.dtype is not None and pred.dtype.name != "bool":
        raise TypeError(f"Input '{what}' of '{op_type}' Op has type {pred.dtype.name} that does not match "
                        f"expected type of bool.")
    if pred.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {pred.shape.ndims} for {scope[:-1]!r}: "
                         f"{what} {pred.name!r} has shape {pred.shape}")
    return pred


def _unpack_if_singleton(result):
    return result[0] if isinstance(result, (list, tuple)) and len(result) == 1 else result


def _same_structure(first, second, what):
    """``nest.assert_same_structure``, its TF message followed by which control flow call and values."""
    try:
        nest.assert_same_structure(first, second)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error}\n({what})") from None


def _dtype_name(node):
    return node.dtype.name if node.dtype is not None else "an unknown dtype"


# -- tf.while_loop -----------------------------------------------------------------------------------

def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               name: str | None = None, maximum_iterations: Any = None, return_same_structure: bool = False) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true (at most
    ``maximum_iterations`` times); returns the final loop vars.

    ``loop_vars`` is a list or tuple of tensors or nested structures of them (``(i, (h, c))``); ``body``
    must return the same structure, dtypes and shapes (``shape_invariants`` may loosen a shape:
    ``TensorShape([None, 3])``). A single loop var comes back alone, unless ``return_same_structure``.
    ``parallel_iterations`` and ``swap_memory`` are accepted and have no effect; with ``back_prop=False``
    no gradient flows through the loop.

    Built as TF1 builds it (``control_flow/frame.py``): Enter, Merge, the condition's ops, LoopCond,
    Switch, Identity, the body's ops, NextIteration and Exit ops. ``maximum_iterations`` adds, as TF1,
    a counter ``while/iteration_counter`` as a first loop var and ``counter < maximum_iterations`` to
    the condition. A ``TensorArray`` loop var is carried as its flow, and the body and the result get
    it back as a TensorArray (``ops/tensor_array_ops.py``).
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    graph = _graph_of(nest.flatten(loop_vars)) if nest.is_nested(loop_vars) else get_default_graph()
    with graph.name_scope(name or "while") as scope:
        if not loop_vars:
            raise ValueError("'loop_vars' must be provided.")
        if maximum_iterations is not None:
            cond, body, loop_vars, shape_invariants = _counted(cond, body, loop_vars, shape_invariants,
                                                               maximum_iterations, return_same_structure)
        flat_vars = nest.flatten(loop_vars)  # a TensorArray is carried as its flow, as in TF1
        arrays = {k: v for k, v in enumerate(flat_vars) if isinstance(v, TensorArray)}
        inits = [v.flow if k in arrays else convert_to_tensor(v) for k, v in enumerate(flat_vars)]
        invariants = _shape_invariants(shape_invariants, loop_vars, inits)

        def condition(merges):
            test = convert_to_tensor(cond(*nest.pack_sequence_as(loop_vars, _as_arrays(merges, arrays))))
            return _predicate(test, scope, "cond", "LoopCond")

        def step(identities):
            packed = nest.pack_sequence_as(loop_vars, _as_arrays(identities, arrays))
            result = body(*packed)
            structure = result if nest.is_nested(result) else [result]
            _same_structure(list(packed), list(structure),
                            f"while_loop {scope[:-1]!r}: the body's result must have the structure of loop_vars")
            flat = [r.flow if isinstance(r, TensorArray) else r for r in nest.flatten(structure)]
            return [_loop_output(r, v) for r, v in zip(flat, inits)], (result, structure)

        def check(outputs):
            _check_loop_outputs(scope, loop_vars, inits, invariants, outputs)

        exits, _, (result, structure) = build_frame(scope, inits, invariants, condition, step, check, back_prop)
    exits = _as_arrays(exits, arrays)
    if maximum_iterations is not None:  # TF1 returns the body's own structure, without the counter
        return nest.pack_sequence_as(result[1], exits[1:])
    packed_exits = nest.pack_sequence_as(structure, exits)
    return packed_exits[0] if len(exits) == 1 and not return_same_structure else packed_exits


def _as_arrays(flows, arrays):
    """The loop's tensors, with a TensorArray (``arrays``: position -> array) rebuilt on its flow."""
    return [arrays[k]._with_flow(f) if k in arrays else f for k, f in enumerate(flows)]


def _counted(cond, body, loop_vars, shape_invariants, maximum_iterations, return_same_structure):
    """TF1's loop with ``maximum_iterations``: (cond, body, loop vars, invariants) with a counter first."""
    maximum = convert_to_tensor(maximum_iterations, name="maximum_iterations")
    if maximum.shape.ndims != 0:
        raise ValueError(f"'maximum_iterations' must be a scalar. Received shape: {maximum.shape}")
    counter = convert_to_tensor(0, dtype=maximum.dtype, name="iteration_counter")
    if len(loop_vars) == 1 and not return_same_structure:  # TF's try_to_pack: the body gets the var alone
        inner = loop_vars[0]
        invariant = None if shape_invariants is None else (TensorShape([]), shape_invariants[0])
        return (lambda i, lv: logical_and(i < maximum, cond(lv)), lambda i, lv: (i + 1, body(lv)),
                (counter, inner), invariant)
    invariant = None if shape_invariants is None else (TensorShape([]), shape_invariants)
    return (lambda i, lv: logical_and(i < maximum, cond(*lv)), lambda i, lv: (i + 1, body(*lv)),
            (counter, loop_vars), invariant)


# The loop frame's gradients (control_flow/frame.py), here with the engine's other built-in gradients.

@RegisterGradient("Exit")
def _exit_grad(op, grad):
    """dL/d(the frame's outputs) = grad at this loop var's place, none at the others"""
    return OutputGradients.one(op.node.index, len(op.inputs[0]), grad)


@RegisterGradient("While")
def _while_grad(op, grad):
    """Backpropagation through time: for each iteration, last first, the body's backward pass turns
    dL/d(its NextIteration values) into dL/d(its Identities), the previous iteration's NextIteration
    values; dL/d(captured tensor) is the sum over the iterations; dL/d(initial values) is what
    reaches the first iteration."""
    history, state = op.output.record
    n, body = op.node.n_loop_vars, op.node.body  # body.wrt: the Identities, then the captured Enters
    loop_grads = list(grad.grads)
    captured_grads = [None] * (len(body.wrt) - n)
    for kept in reversed(history):
        input_grads = body.gradient(state, kept, loop_grads)
        loop_grads = input_grads[:n]
        captured_grads = [a if b is None else b if a is None else a + b
                          for a, b in zip(captured_grads, input_grads[n:])]
    return loop_grads + captured_grads


@RegisterGradient("Enter")
@RegisterGradient("NextIteration")
def _forward_grad(op, grad):
    """dy/dx = 1"""
    return grad


NotDifferentiable("LoopCond")
NotDifferentiable("WhileWithoutGradient")  # back_prop=False: gradients() gives None through the loop


def _shape_invariants(shape_invariants, loop_vars, inits):
    """One TensorShape per flat loop var: the given invariant, else the initial value's shape."""
    if shape_invariants is None:
        return [v.shape for v in inits]
    nest.assert_same_structure(loop_vars, shape_invariants)
    shapes = [TensorShape(s) for s in nest.flatten(shape_invariants)]
    for v, s in zip(inits, shapes):
        if not _shape_fits(v.shape, s):
            raise ValueError(f"The shape invariant specified for {v.name} is not compatible with the initial "
                             f"shape of the loop variable. It enters the loop with shape {v.shape}, but the "
                             f"specified shape invariant is {s}.")
    return shapes


def _shape_fits(shape, invariant):
    """Is ``shape`` at least as specific as ``invariant`` (TF's _ShapeLessThanOrEqual)?"""
    if invariant.dims is None:
        return True
    if shape.dims is None or len(shape.dims) != len(invariant.dims):
        return False
    return all(b is None or a == b for a, b in zip(shape.dims, invariant.dims))


def _loop_output(value, init):
    """A body result as a tensor (Python values made constants of the loop var's dtype)."""
    if isinstance(value, Tensor) and not value.has_value:
        raise TypeError(f"while_loop: body returned operation {value.name!r}, which has no value, for a loop var")
    return value if isinstance(value, Tensor) else convert_to_tensor(value, dtype=init.dtype)


def _check_loop_outputs(scope, loop_vars, inits, invariants, outputs):
    """Each body output keeps its loop var's dtype and fits its shape invariant (TF's errors, naming
    the loop and the loop var)."""
    paths = _leaf_paths(loop_vars)
    for path, init, shape, out in zip(paths, inits, invariants, outputs):
        where = f" (while_loop {scope[:-1]!r}, loop var {path})"
        if init.dtype != out.dtype:
            raise TypeError(f"Loop var {init.name} enters the loop with type {_dtype_name(init)} but has type "
                            f"{_dtype_name(out)} after 1 iteration. {init.name} type should remain constant."
                            + where)
        if not _shape_fits(out.shape, shape):
            raise ValueError(f"Input tensor '{init.name}' enters the loop with shape {shape}, but has shape "
                             f"{out.shape} after one iteration. To allow the shape to vary across iterations, "
                             f"use the `shape_invariants` argument of tf.while_loop to specify a less-specific "
                             f"shape." + where)


def _leaf_paths(structure, prefix="loop_vars"):
    """``loop_vars[1][0]``-style paths of the leaves of ``structure``, in flattening order."""
    if not nest.is_nested(structure):
        return [prefix]
    keys = sorted(structure) if isinstance(structure, dict) else range(len(structure))
    return [p for k in keys for p in _leaf_paths(structure[k], f"{prefix}[{k!r}]")]


# -- tf.case -----------------------------------------------------------------------------------------

def _assert(condition: Tensor, data: list[Any], name: str = "Assert") -> Tensor:
    """TF1's ``tf.Assert(condition, data)`` as tf.case builds it: an op that raises
    InvalidArgumentError("assertion failed: [data 0] [data 1]...") if ``condition`` is false when run.
    ``data`` holds strings and tensors; unless all of them are strings or int32, TF guards the op with
    a cond (``Assert/AssertGuard``) so that it runs only when the condition is false. Returns the op to
    wait on (the guard's Merge)."""
    graph = _graph_of([condition])
    with graph.name_scope(name):
        tensors = [_message(d, "Const") if isinstance(d, str) else convert_to_tensor(d) for d in data]
        if all(t.dtype is None or t.dtype.name == "int32" for t in tensors):
            return _assert_op(condition, tensors)
        return cond(condition, no_op, lambda: _assert_op(condition, data), name="AssertGuard")


def _assert_op(condition, data):
    """The ``Assert`` op itself (its string data made constants ``Assert/data_k`` in its scope)."""
    with get_default_graph().name_scope("Assert") as scope:
        inputs = [_message(d, f"data_{k}") if isinstance(d, str) else convert_to_tensor(d)
                  for k, d in enumerate(data)]

        def check(ok, *values):
            """raise if not condition"""
            if not ok:
                shown = " ".join(f"[{_shown(v)}]" for v in values)
                raise InvalidArgumentError(node, f"assertion failed: {shown}")
        node = NoValueOp("Assert", (condition, *inputs), compute=check, name=scope)
    return node


def _message(text, name):
    """A string constant (TensorSlow has no string dtype: the node's dtype is None, its value the text)."""
    value = numpy.array(text.encode())
    return Tensor("Const", (), compute=lambda: value, attrs={"value": value}, shape=[], name=name)


def _shown(value):
    """An Assert's data as TF prints it: a string as it is, an array's entries (bools as 0 and 1)."""
    if getattr(value, "dtype", None) is not None and value.dtype.kind == "S":
        return value.item().decode()
    return " ".join(str(int(v)) if value.dtype == bool else str(v) for v in xp.ravel(value))


def case(pred_fn_pairs: Any, default: Callable[[], Any] | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The result of the first function whose predicate is true (``[(pred, fn), ...]`` or a dict), else
    of ``default``; built as nested ``cond``s, as TF1 builds it. Without ``default``, the last pair's
    function is the default, and it asserts that its predicate is true; ``exclusive=True`` asserts that at
    most one of the (other) predicates is true."""
    predicates, actions = _case_pairs(pred_fn_pairs, exclusive)
    with _graph_of(predicates).name_scope(name or "case"):
        if default is None:
            default = _checked_default(predicates, actions)
            predicates, actions = predicates[:-1], actions[:-1]
        fn = default
        for pred, action in reversed(list(zip(predicates, actions))):
            fn = _bind_cond(pred, action, fn, strict)
        if exclusive and predicates:
            with control_dependencies([_at_most_n_true(predicates, 1, "Input error: exclusive=True")]):
                return fn()
        return fn()


def _checked_default(predicates, actions):
    """The last action as tf.case's default: it asserts that no other predicate and its own are true."""
    k = len(predicates) - 1

    def default_action():
        default_message = ["Input error: None of conditions evaluated as True:", stack(list(predicates),
                                                                                      name="preds_c")]
        checks = []
        if k:
            checks.append(_at_most_n_true(predicates[:k], 0, f"Implementation error: selected default action "
                                                             f"#{k} was called, but some of other predicates "
                                                             f"are True: "))
        checks.append(_assert(predicates[k], default_message))
        with control_dependencies(checks):
            return actions[k]()
    return default_action


def _at_most_n_true(predicates, n, message):
    """An assertion that at most ``n`` of the bool scalars ``predicates`` are true."""
    preds_c = stack(list(predicates), name="preds_c")
    count = reduce_sum(cast(preds_c, "int32"), name="num_true_conds")
    names = ", ".join(p.name for p in predicates)
    return _assert(less_equal(count, convert_to_tensor(n, name="n_true_conds")),
                   [f"{message}: more than {n} conditions ({names}) evaluated as True:", preds_c])


def _bind_cond(pred, action, otherwise, strict):
    return lambda: cond(pred, true_fn=action, false_fn=otherwise, strict=strict)


def _case_pairs(pred_fn_pairs: Any, exclusive: bool) -> tuple[tuple[Tensor, ...], tuple[Any, ...]]:
    """(predicates, functions) from a list of pairs or a dict (sorted by predicate name, as TF1 does)."""
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError(f"'pred_fn_pairs' must be a list, tuple, or dict. Received: {type(pred_fn_pairs)}")
    pairs: Any = pred_fn_pairs
    if isinstance(pred_fn_pairs, dict):
        pairs = sorted(pred_fn_pairs.items(), key=lambda item: item[0].name)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if pred.dtype is not None and pred.dtype.name != "bool":
            raise TypeError(f"pred must be Tensor of type bool: {pred.name}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred.name} must be callable.")
    if not pairs:
        raise ValueError("'pred_fn_pairs' must not be empty")
    predicates, actions = zip(*pairs)
    return tuple(predicates), tuple(actions)
