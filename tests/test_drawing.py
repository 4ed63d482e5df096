"""ts.draw_graph: DOT with op types, names and shapes, the backward pass apart, pictures where `dot` exists."""
import re
import sys

import numpy as np
import pytest

import tensorslow as ts
from tensorslow import drawing

pytest.importorskip("graphviz", reason="the draw extra (graphviz package) is not installed")
needs_dot = pytest.mark.skipif(not drawing.can_render(), reason="Graphviz's `dot` is not installed (make system-deps)")


def perceptron():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float32, [None, 2], name="x")
        c = ts.placeholder(ts.float32, [None, 1], name="c")
        w = ts.Variable(np.ones((2, 1), np.float32), name="W")
        b = ts.Variable(np.zeros(1, np.float32), name="b")
        p = ts.sigmoid(ts.matmul(x, w) + b, name="p")
        loss = ts.reduce_mean(ts.square(p - c), name="loss")
        train = ts.train.GradientDescentOptimizer(0.1).minimize(loss)
    return graph, p, loss, train


def nodes(dot):
    """{node id: label} of the DOT text's node statements."""
    return dict(re.findall(r'^\t(\w+) \[label="([^"]*)"', dot, re.M))


def edges(dot):
    return re.findall(r"^\t(\w+) -> (\w+)(.*)$", dot, re.M)


def test_a_tensor_draws_the_nodes_it_needs_with_types_names_and_shapes():
    graph, p, _, _ = perceptron()
    dot = ts.draw_graph(p).dot
    labels = set(nodes(dot).values())
    assert labels == {"x\nPlaceholder\n(?, 2) float32", "W\nVariableV2\n(2, 1) float32", "MatMul\n(?, 1) float32",
                      "b\nVariableV2\n(1,) float32", "add\nAddV2\n(?, 1) float32", "p\nSigmoid\n(?, 1) float32"}
    assert len(edges(dot)) == 5 and all('label="(' in rest for _, _, rest in edges(dot))  # each carries its shape
    assert "firebrick" not in dot


def test_a_graph_draws_every_node():
    graph, _, _, _ = perceptron()
    dot = ts.draw_graph(graph).dot
    assert len(nodes(dot)) == len(graph.get_operations())
    assert "GradientDescent\nApplyGradients" in nodes(dot).values()  # an op with no value: no shape line


def test_backward_pass_is_drawn_apart_only_when_asked():
    _, _, loss, train = perceptron()
    plain, both = ts.draw_graph(train).dot, ts.draw_graph(train, backward=True).dot
    backward = {k: v for k, v in nodes(both).items() if k.startswith("bp")}
    assert sorted(v.split("\n")[0] for v in backward.values()) == [
        "grad AddV2", "grad MatMul", "grad Mean", "grad Sigmoid", "grad Square", "grad Sub"]
    assert not any(k.startswith("bp") for k in nodes(plain))
    dashed = [(a, b, rest) for a, b, rest in edges(both) if "firebrick" in rest]
    assert all("dashed" in rest for _, _, rest in dashed)
    ids = {v.split("\n")[0]: k for k, v in nodes(both).items()}
    # the chain: seed at the loss, through each op back to the Gradients nodes of W and b
    assert (ids["loss"], ids["grad Mean"]) in {(a, b) for a, b, _ in dashed}
    assert (ids["grad MatMul"], ids["gradients/W_grad"]) in {(a, b) for a, b, _ in dashed}
    assert (ids["grad AddV2"], ids["gradients/b_grad"]) in {(a, b) for a, b, _ in dashed}
    assert ts.draw_graph(train, backward=True).dot == both  # deterministic text


def test_grad_ys_and_an_x_that_is_a_y():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [3], name="x")
        y = ts.multiply(x, x, name="y")
        weight = ts.constant([1.0, 2.0, 3.0], ts.float64, name="weight")
        grads = ts.gradients(y, x, grad_ys=weight) + ts.gradients(x, x, name="self")
    dot = ts.draw_graph(grads, backward=True).dot
    ids = {v.split("\n")[0]: k for k, v in nodes(dot).items()}
    pairs = {(a, b): rest for a, b, rest in edges(dot)}
    assert "grad_ys" in pairs[ids["weight"], ids["grad Mul"]]
    assert pairs[ids["x"], ids["self/x_grad"]].startswith(' [label="dL/dy = 1"')
    assert {(ids["grad Mul"], ids["gradients/x_grad"])} <= set(pairs)


def test_dot_file_png_and_svg(tmp_path):
    _, _, loss, _ = perceptron()
    drawing_ = ts.draw_graph(loss, path=tmp_path / "loss.dot")
    assert drawing_.path == tmp_path / "loss.dot"
    assert (tmp_path / "loss.dot").read_text() == drawing_.dot
    assert "written to" in repr(drawing_) and str(drawing_) == drawing_.dot


@needs_dot
def test_pictures_are_rendered_by_dot(tmp_path):
    _, _, loss, _ = perceptron()
    ts.draw_graph(loss, path=tmp_path / "loss.png", backward=True)
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ts.draw_graph(loss, path=str(tmp_path / "loss.svg")).path.read_text()
    assert "<svg" in svg and "MatMul" in svg
    bundle = ts.draw_graph(loss)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.png", "loss.svg"]  # no temporary files left


def test_without_dot_the_dot_text_is_written_instead(tmp_path, monkeypatch):
    _, _, loss, _ = perceptron()
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    with pytest.warns(UserWarning, match="not installed"):
        result = ts.draw_graph(loss, path=tmp_path / "loss.png")
    assert result.path == tmp_path / "loss.dot" and result.path.read_text() == result.dot
    assert result._repr_mimebundle_() == {"text/plain": result.dot}
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        result.render("png")


def test_missing_graphviz_package_names_the_extra(monkeypatch):
    _, p, _, _ = perceptron()
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz -> ImportError
    with pytest.raises(ImportError, match=r"pip install tensorslow-parity\[draw\]"):
        ts.draw_graph(p)


def test_bad_input_is_refused_clearly(tmp_path):
    _, p, _, _ = perceptron()
    with pytest.raises(TypeError, match="draw_graph: expected a Graph, a tensor"):
        ts.draw_graph([p, np.ones(2)])
    with pytest.raises(ValueError, match="nothing to draw"):
        ts.draw_graph([])
    with pytest.raises(ValueError, match=r"should end in one of \.svg"):
        ts.draw_graph(p, path=tmp_path / "p.txt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ts.draw_graph(p, path=tmp_path / "missing" / "p.dot")
    assert list(tmp_path.iterdir()) == []


def test_the_default_graph_and_an_op(tmp_path):
    graph, _, _, train = perceptron()
    with graph.as_default():
        assert ts.draw_graph().dot == ts.draw_graph(graph).dot
    assert "GradientDescent" in ts.draw_graph(train.op if hasattr(train, "op") else train).dot


def test_control_flow_graphs_draw():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [3], name="x")
        y = ts.cond(ts.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
        (dx,) = ts.gradients(ts.reduce_sum(y), [x])
    dot = ts.draw_graph(dx, backward=True).dot
    labels = list(nodes(dot).values())
    assert any(label.startswith("cond/Merge\nMerge") for label in labels)  # TF1's dataflow cond, drawn as is
    assert {"grad Merge\ncond/Merge", "grad Switch\ncond/mul/Switch", "grad Switch\ncond/sub/Switch"} <= set(labels)
    assert len(nodes(ts.draw_graph(graph).dot)) == len(graph.get_operations())
