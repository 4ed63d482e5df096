"""Pictures of a graph: ``draw_graph(graph or tensors, path=..., backward=True)``.

A TensorSlow graph is a set of nodes, each knowing its op type, its name, the
static shape and dtype of its value, and its inputs. This module writes that
down in Graphviz's DOT language (through the ``graphviz`` package): one box per
node, one arrow per input, labelled with the shape that flows along it::

    drawing = ts.draw_graph(loss, path="loss.png", backward=True)
    print(drawing.dot)        # the DOT text; in a notebook, the drawing shows itself

With ``backward=True`` the backward pass that ``gradients()`` (or ``minimize``,
which calls it) added is drawn too, in red and dashed: one node per op that the
chain rule visits, in the reverse direction of the forward arrows. Each red
node computes dL/d(input) for its op's inputs from dL/d(output) (its op's
gradient function in the registry), and the sums arriving at the ``Gradients``
nodes are what ``sess.run(gradients)`` returns. A thin grey dotted line joins
each forward op to its backward node: the backward node reads that op's values.

Rendering to SVG/PNG/PDF needs Graphviz's ``dot`` program (Debian: ``apt-get
install graphviz``); without it the DOT text is written instead, to the same
name with the suffix ``.dot``. TensorBoard draws the same graph: write it with
``ts.summary.FileWriter(logdir, graph)`` and open its Graphs tab.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .gradients import GradientNode
from .graph import Graph, Tensor, get_default_graph

INSTALL_HINT = "Drawing graphs needs the 'graphviz' package: pip install tensorslow-parity[draw]"
# Formats `dot` renders; any other suffix (.dot, .gv) gets the DOT text itself.
RENDERED = ("svg", "png", "pdf")

# How each kind of node looks: inputs blue, parameters yellow, constants grey, the backward pass red.
STYLE = {
    "op": {"shape": "box", "style": "rounded,filled", "fillcolor": "white"},
    "Placeholder": {"shape": "ellipse", "style": "filled", "fillcolor": "lightblue"},
    "VariableV2": {"shape": "box", "style": "filled", "fillcolor": "khaki"},
    "Const": {"shape": "box", "style": "filled", "fillcolor": "gray92", "fontsize": "10"},
    "no value": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "palegreen"},
    "Gradients": {"shape": "box", "style": "filled", "fillcolor": "mistyrose", "color": "firebrick"},
    "backward": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "mistyrose",
                 "color": "firebrick", "fontcolor": "firebrick"},
}
BACKWARD_EDGE = {"color": "firebrick", "fontcolor": "firebrick", "style": "dashed"}
CONTROL_EDGE = {"style": "dotted", "arrowhead": "odot"}
READS_EDGE = {"style": "dotted", "color": "gray70", "arrowhead": "none", "constraint": "false"}


def _graphviz():
    try:
        import graphviz
    except ImportError as error:
        raise ImportError(f"{INSTALL_HINT} ({error})") from error
    return graphviz


def can_render() -> bool:
    """Whether Graphviz's ``dot`` program is installed (needed for SVG/PNG; DOT text needs only the package)."""
    return shutil.which("dot") is not None


class Drawing:
    """A drawn graph: ``dot`` (the DOT text), ``digraph`` (the ``graphviz.Digraph``), ``path`` (the file
    written, or None). Shows itself as SVG in a notebook where ``dot`` is installed, as DOT text elsewhere."""

    def __init__(self, digraph: Any, path: Path | None = None) -> None:
        self.digraph = digraph
        self.path = path

    @property
    def dot(self) -> str:
        return str(self.digraph.source)

    def render(self, fmt: str = "svg") -> bytes:
        """The picture in ``fmt`` ("svg", "png", "pdf"), made by ``dot``."""
        if not can_render():
            raise RuntimeError("Rendering a graph needs Graphviz's `dot` program (Debian: apt-get install graphviz)")
        return bytes(self.digraph.pipe(format=fmt))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if can_render():
            return {"image/svg+xml": self.render("svg").decode("utf-8"), "text/plain": repr(self)}
        return {"text/plain": self.dot}

    def __str__(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        where = f", written to {str(self.path)!r}" if self.path is not None else ""
        return f"<Drawing of {self.digraph.name!r}: {self.dot.count('->')} edges{where}>"


def draw_graph(what: Graph | Tensor | Iterable[Any] | None = None, path: str | os.PathLike[str] | None = None, *,
               backward: bool = False, name: str | None = None) -> Drawing:
    """Draw ``what``: a Graph (all its nodes), or a tensor / list of tensors (the nodes they need).

    ``path``: where to write the picture; its suffix picks the format (".svg", ".png", ".pdf" rendered
    by ``dot``; ".dot" or ".gv" the DOT text). Without ``dot``, a picture is written as DOT text to the
    same name with the suffix ".dot" (with a warning). ``backward``: also draw the backward passes that
    ``gradients``/``minimize`` added. Returns a :class:`Drawing`.
    """
    nodes, graph = _nodes_to_draw(what)
    digraph = _graphviz().Digraph(name or "graph", graph_attr={"rankdir": "TB", "fontname": "Helvetica"},
                                  node_attr={"fontname": "Helvetica", "fontsize": "11"},
                                  edge_attr={"fontname": "Helvetica", "fontsize": "9"})
    drawn = set(nodes)
    for node in nodes:
        digraph.node(_id(node), _label(node), **_style(node))
    for node in nodes:
        _draw_inputs(digraph, node, drawn, backward)
    if backward:
        for k, bp in enumerate(_backward_passes(nodes)):
            _draw_backward(digraph, bp, drawn, f"bp{k}_")
    return Drawing(digraph, _write(digraph, Path(path)) if path is not None else None)


def _nodes_to_draw(what):
    """(nodes in creation order, graph) for a Graph, a tensor or an iterable of tensors (or their ops)."""
    if what is None:
        what = get_default_graph()
    if isinstance(what, Graph):
        return what.get_operations(), what
    items = [what] if isinstance(what, Tensor) or hasattr(what, "node") else list(what)
    roots = []
    for item in items:
        node = getattr(item, "node", item)  # an OpView (tensor.op) stands for its node
        if not isinstance(node, Tensor):
            raise TypeError(f"draw_graph: expected a Graph, a tensor or a list of tensors, got {item!r}")
        roots.append(node)
    if not roots:
        raise ValueError("draw_graph: nothing to draw (an empty list of tensors)")
    return sorted(_ancestors(roots), key=lambda n: n._id), roots[0].graph


def _ancestors(roots):
    """The roots and every node they need, through inputs and control inputs (a Gradients node's own control
    inputs, the values its backward pass reads, are already among its ys' ancestors)."""
    seen, stack = set(roots), list(roots)
    while stack:
        node = stack.pop()
        for parent in (*node.inputs, *_control_inputs(node)):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _control_inputs(node):
    return () if isinstance(node, GradientNode) else node.control_inputs


def _id(node):
    return f"n{node._id}"


def _shape_text(node):
    shape = node.shape
    return "?" if shape.dims is None else "(" + ", ".join("?" if d is None else str(d) for d in shape.dims) + \
        ("," if len(shape.dims) == 1 else "") + ")"


def _label(node):
    """name, op type, and the static shape and dtype of its value (an op with no value: name and type)."""
    lines = [node.op_name] if node.op_name == node.type else [node.op_name, node.type]
    if node.has_value:
        lines.append(f"{_shape_text(node)} {node.dtype.name if node.dtype is not None else ''}".strip())
    return "\n".join(lines)


def _style(node):
    if not node.has_value:
        return STYLE["no value"]
    return STYLE.get(node.type, STYLE["op"])


def _draw_inputs(digraph, node, drawn, backward):
    """One arrow per input (labelled with its shape), dotted ones for control dependencies."""
    if backward and isinstance(node, GradientNode):
        return  # drawn by _draw_backward, from the backward pass's nodes
    for parent in node.inputs:
        if parent in drawn:
            digraph.edge(_id(parent), _id(node), label=_shape_text(parent) if parent.has_value else "")
    for parent in _control_inputs(node):
        if parent in drawn:
            digraph.edge(_id(parent), _id(node), **CONTROL_EDGE)


def _backward_passes(nodes):
    passes = {}
    for node in nodes:
        if isinstance(node, GradientNode):
            passes[id(node.backward)] = node.backward
    return list(passes.values())


def _draw_backward(digraph, bp, drawn, prefix):
    """The chain rule of one backward pass: a red node per op it visits, arrows from y back to the xs.

    The arrow from a node's backward node to its input's carries dL/d(input), of the input's shape; where
    an input is an x, it ends at that x's Gradients node (which sums what arrives there).
    """
    grads_of = {bp.xs[g.index]: g for g in bp.outputs if g in drawn}
    visited = {node for node, fn in zip(bp.order, bp.grad_fns) if fn is not None and node in drawn}

    def target(node):
        """Where dL/d(node) goes: its backward node, or the Gradients node of an x, or nowhere."""
        if node in visited:
            return prefix + _id(node)
        return _id(grads_of[node]) if node in grads_of else None

    for node in bp.order:
        if node in visited:
            label = f"grad {node.type}" + ("" if node.op_name == node.type else f"\n{node.op_name}")
            digraph.node(prefix + _id(node), label, **STYLE["backward"])
            digraph.edge(_id(node), prefix + _id(node), **READS_EDGE)
    for y, grad_y in zip(bp.ys, bp.grad_ys):  # the seed: dL/dy = ones, or the grad_ys given
        end = target(y)
        if end is None or y not in drawn:
            continue
        if grad_y is None:
            digraph.edge(_id(y), end, label="dL/dy = 1", **BACKWARD_EDGE)
        elif grad_y in drawn:
            digraph.edge(_id(grad_y), end, label="dL/dy = grad_ys", **BACKWARD_EDGE)
    for node in bp.order:
        if node in visited:
            for parent in node.inputs:
                end = target(parent) if parent in bp.between else None
                if end is not None:
                    digraph.edge(prefix + _id(node), end, label=f"dL/d {parent.op_name}", **BACKWARD_EDGE)


def _write(digraph, path):
    """Write the picture (or the DOT text) to ``path``, whole or not at all; return the path written."""
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in (*RENDERED, "dot", "gv"):
        raise ValueError(f"draw_graph: path={str(path)!r} should end in one of .svg, .png, .pdf (a picture) "
                         f"or .dot, .gv (the DOT text)")
    if fmt in RENDERED and not can_render():
        warnings.warn(f"draw_graph: Graphviz's `dot` is not installed, so {str(path)!r} cannot be rendered; "
                      f"writing the DOT text to {str(path.with_suffix('.dot'))!r} instead", stacklevel=3)
        path, fmt = path.with_suffix(".dot"), "dot"
    if not path.parent.is_dir():
        raise FileNotFoundError(f"draw_graph: the folder of path={str(path)!r} does not exist")
    data = digraph.pipe(format=fmt) if fmt in RENDERED else digraph.source.encode("utf-8")
    # A temporary file in the same folder, then a rename: a failed write leaves no half-written picture.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path
