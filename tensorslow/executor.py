"""The reference executor: how TensorSlow runs a graph, one op at a time.

Read this file to see what ``Session.run`` does. Given the nodes a run needs,
in topological order (each after its inputs), and the values fed for some of
them, it

1. runs the **forward pass**: every node's kernel on its inputs' values, in
   order, keeping each value in a dict ``values`` that lives for this run only;
   (a node in a ``tf.cond`` branch that is not taken has a dead input: it
   does not run, and its value is ``DEAD``; see ``control_flow/dataflow.py``);
2. when it meets a ``Gradients`` node, runs that node's **backward pass**
   (:func:`backprop`): the chain rule, op by op, in reverse topological order
   (``BackwardPass.order``, built by ``gradients.py``), so that a node's
   gradient is complete, summed over all its consumers, before it is passed on.

The compiled plan (``plan.py``) computes exactly the same numbers, bit for
bit, as one generated Python function per set of fetches and feeds; it is
what sessions use by default, for speed. ``Session(executor="reference")``
runs this interpreter instead, and ``watch`` shows every step it takes.
"""
import numpy

from .backend import xp
from .broadcasting import reduce_to_shape
from .control_flow.dead import DEAD
from .errors import InvalidArgumentError, OpError
from .registry import OpValues, check_gradient_count


def run(order, feeds, state, watch=None, check_numerics=False):
    """Values of every node in ``order``: fed nodes take their value from ``feeds`` (node -> array).

    ``state`` holds the session's variables and random generators (stateful kernels read and
    write it). ``watch(event, node, value)``, if given, is called after each forward op
    (``"forward"``) and with each gradient an op passes back (``"backward"``).
    """
    values = dict(feeds)
    for node in order:
        if node in values:
            continue  # fed, or a Gradients node its backward pass already computed
        if node.type == "Gradients":
            values.update(backprop(node.backward, values, watch, check_numerics))
            continue
        inputs = [values[p] for p in node.inputs]
        if node.may_be_dead and not node.takes_dead_inputs and is_dead(node, inputs, values):
            values[node] = DEAD  # in a cond branch not taken: it does not run (control_flow/dataflow.py)
            if node.n_outputs > 1:
                values[node, "extra"] = [DEAD] * (node.n_outputs - 1)
            continue
        if node.control_inputs:
            inputs = read_again(node, inputs, feeds, state)
        value = call_kernel(node, inputs, state)
        if node.n_outputs > 1:  # outputs kept for the gradient only (TF's xent backprop)
            value, *values[node, "extra"] = value
        if check_numerics:
            check_finite(value, node)
        if watch is not None:
            watch("forward", node, value)
        values[node] = value
    return values


def is_dead(node, inputs, values):
    """Is an input of ``node`` (data or control) dead: from a cond branch that is not taken?"""
    return any(v is DEAD for v in inputs) or any(values[c] is DEAD for c in node.control_inputs)


def read_again(node, inputs, feeds, state):
    """The inputs of an op that waits on control dependencies, with its variables read now.

    TF1 reads a variable when the op using it runs, so an op made under ``control_dependencies([update])``
    sees the variable after the update even when the variable was read earlier in the same run (the
    pattern of ``ExponentialMovingAverage`` after a training step). Its gradient uses the first read.
    """
    return [p.compute(state) if p.reads_at_use and p not in feeds else v for p, v in zip(node.inputs, inputs)]


def call_kernel(node, inputs, state):
    """``node.compute(*inputs)`` (stateful kernels also get ``state``); errors name the node."""
    try:
        if node.stateful:
            return node.compute(state, *inputs)
        return node.compute(*inputs)
    except OpError:
        raise
    except Exception as error:
        raise op_failed(node, inputs, error) from error


def backprop(bp, values, watch=None, check_numerics=False):
    """The values of the ``Gradients`` nodes of backward pass ``bp``, from this run's ``values``
    (``backprop_steps`` run to the end; ``watch("backward", op, gradient)`` sees what each op passes back)."""
    grads = {}
    for node, _, passed in backprop_steps(bp, values, grads, check_numerics):
        if watch is not None:
            for _, g in passed:
                watch("backward", node, g)
    return {n: gradient_value(grads.get(bp.xs[n.index]), values[bp.xs[n.index]]) for n in bp.outputs}


def backprop_steps(bp, values, grads, check_numerics=False):
    """Backward pass ``bp`` op by op, summing into the caller's ``grads`` (node -> dL/d(node)): yields
    (op, dL/d(op), [(input, the gradient it passed to it)]) after each op.

    ``grads[n]`` accumulates dL/dn, where L = sum of the ys (each weighted by its grad_y).
    Visiting an op, we know dL/d(output) = ``grads[op]`` and ask its gradient function for
    dL/d(input) of each input (the chain rule: grad_fn(op, dL/dy) = dL/dy * dy/dx), sum each
    back to its input's shape if the input was broadcast, and add it to that input's total.
    """
    for y, grad_y in zip(bp.ys, bp.grad_ys):
        if y in bp.between:  # the seed: dL/dy = grad_y, or ones
            accumulate(grads, y, values[grad_y] if grad_y is not None else xp.ones_like(values[y]))
    for node, grad_fn in zip(bp.order, bp.grad_fns):
        grad = grads.get(node)
        if grad is None or grad_fn is None:  # nothing flows back here, or not differentiable
            continue
        if node.may_be_dead and values[node] is DEAD:  # it did not run: no gradient through it
            continue
        inputs = tuple(values[p] for p in node.inputs)
        needs = tuple(p in bp.between for p in node.inputs)
        op = OpValues(node, inputs, values[node], needs, values.get((node, "extra"), ()))
        passed = []
        try:
            results = check_gradient_count(node, grad_fn(op, grad))
            for pos, (parent, g) in enumerate(zip(node.inputs, results)):
                if g is None or not needs[pos]:
                    continue
                if check_numerics:
                    check_finite(g, node, "gradient of ")
                g = fit(g, inputs[pos], node, pos)
                accumulate(grads, parent, g)
                passed.append((parent, g))
        except OpError:
            raise
        except Exception as error:
            raise op_failed(node, inputs, error, "gradient of ") from error
        yield node, grad, passed


def accumulate(grads, node, grad):
    """grads[node] += grad (the first gradient to arrive starts the sum)."""
    total = grads.get(node)
    grads[node] = grad if total is None else total + grad


def gradient_value(grad, x_value):
    """dL/dx as a ``Gradients`` node returns it: zeros where no gradient reached x (dead if x is: x is in
    a cond branch not taken)."""
    if grad is None:
        return DEAD if x_value is DEAD else xp.zeros_like(x_value)
    return grad


def fit(grad, value, node, pos):
    """``grad`` summed to the shape of input ``pos`` (``value``) if the input was broadcast."""
    if isinstance(value, tuple):  # a control-flow op's outputs: the gradient has one array per output, as is
        return grad
    grad = xp.asarray(grad)
    if grad.shape == xp.shape(value):
        return grad
    reduced = reduce_to_shape(grad, xp.shape(value))
    if reduced is None:
        raise InvalidArgumentError(
            node, f"Gradient function for {node.op_name!r} (op type {node.type}) returned a gradient of "
                  f"shape {grad.shape} for input {pos}, whose shape is {xp.shape(value)}")
    return reduced


def op_failed(node, inputs, error, what=""):
    """An InvalidArgumentError naming the op whose kernel (or gradient) raised ``error``, and the shapes
    of its inputs (those that are None, already freed by a plan, are left out)."""
    shapes = ", ".join(f"{p.name!r}: {_shape(v)}" for p, v in zip(node.inputs, inputs) if v is not None)
    return InvalidArgumentError(
        node, f"{what}{node.type} op {node.op_name!r} failed{' on inputs ' + shapes if shapes else ''}: "
              f"{type(error).__name__}: {error}")


def _shape(value):
    """The shape of an input, for an error message (whatever the value is: it may be why the op failed)."""
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else tuple(numpy.shape(value))


def check_finite(value, node, what=""):
    """Raise, naming ``node`` (or its gradient), if ``value`` holds NaN or Inf."""
    if value is not None and getattr(value, "dtype", None) is not None and value.dtype.kind == "f" \
            and not xp.isfinite(value).all():
        kind = "NaN" if xp.isnan(value).any() else "Inf"
        raise InvalidArgumentError(node, f"check_numerics: {what}{node.type} op {node.op_name!r} produced {kind} "
                                         f"(inputs: {[i.name for i in node.inputs]})")
