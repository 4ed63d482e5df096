"""TensorSlow's array-module seam (``tensorslow/backend.py``), honoured everywhere values are computed.

The same programs (MLP training, a CNN step, an LSTM step, random ops, casts, each optimizer, variable
initializers) run twice: here on NumPy, and in a subprocess on ``tests/stand_in_cupy.py`` put in CuPy's
place with ``TENSORSLOW_ARRAY_MODULE=cupy``, so they go through TensorSlow's real CuPy path. The
stand-in's arrays are a type of their own with NumPy's arithmetic: the numbers must agree bit for bit,
no host array may enter an operation on device arrays or be fetched without having been one, every value
the reference executor computes must be a device array, and ``numpy.random`` must stay unused.
The AST scan of ``test_no_numpy_call_on_run_time_values`` keeps new code on the seam.
"""
import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import tensorslow as tf
from tensorslow import backend

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


# -- the programs ---------------------------------------------------------------------------------------

def _session(graph, reference):
    if not reference:
        return tf.Session(graph=graph)
    return tf.Session(graph=graph, executor="reference", watch=_check_device_value)


def _check_device_value(event, node, value):
    """The reference executor's watch: every value an op computes (or a gradient it passes back) must be an
    array of the array module, not a NumPy array made outside the seam. Strings (object arrays: a Saver's
    tensor names and prefix) live on the host, as TF keeps string tensors in host memory."""
    for v in value if isinstance(value, tuple) else (value,):
        if isinstance(v, np.ndarray) and v.dtype != object and not isinstance(v, backend.xp.ndarray):
            raise AssertionError(f"{event} value of {node.type} op {node.op_name!r} is a host numpy.ndarray")


def mlp(reference=False):
    """Five SGD steps of a 2-8-3 sigmoid MLP, mean softmax cross-entropy (the course's model)."""
    rng = np.random.default_rng(0)
    g = tf.Graph()
    with g.as_default():
        x, y = tf.placeholder(tf.float32, [None, 2]), tf.placeholder(tf.float32, [None, 3])
        w1 = tf.Variable(rng.normal(size=(2, 8)).astype(np.float32))
        w2 = tf.Variable(rng.normal(size=(8, 3)).astype(np.float32))
        b1, b2 = tf.Variable(np.zeros(8, np.float32)), tf.Variable(np.zeros(3, np.float32))
        logits = tf.matmul(tf.sigmoid(tf.matmul(x, w1) + b1), w2) + b2
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        X = rng.normal(size=(32, 2)).astype(np.float32)
        Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 32)]
        with _session(g, reference) as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([loss, train], {x: X, y: Y})[0] for _ in range(5)]
            return {"losses": np.array(losses), "accuracy": sess.run(accuracy, {x: X, y: Y}),
                    **dict(zip(["w1", "b1", "w2", "b2"], sess.run([w1, b1, w2, b2])))}


def cnn(reference=False):
    """One Adam step of conv-pool-conv-pool-dense on 8x8 images, with its gradients."""
    rng = np.random.default_rng(1)
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(3)
        x, labels = tf.placeholder(tf.float32, [None, 8, 8, 1]), tf.placeholder(tf.int32, [None])
        h = tf.layers.max_pooling2d(tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu), 2, 2)
        h = tf.layers.average_pooling2d(tf.layers.conv2d(h, 6, 3, padding="valid", activation=tf.nn.tanh), 2, 1)
        logits = tf.layers.dense(tf.reshape(h, [-1, 6]), 5)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        grads = tf.gradients(loss, tf.trainable_variables())
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        feed = {x: rng.normal(size=(4, 8, 8, 1)).astype(np.float32), labels: rng.integers(0, 5, 4)}
        with _session(g, reference) as sess:
            sess.run(tf.global_variables_initializer())
            out = {f"grad{k}": v for k, v in enumerate(sess.run(grads, feed))}
            out["loss"] = sess.run([loss, train], feed)[0]
            out.update({f"var{k}": v for k, v in enumerate(sess.run(tf.trainable_variables()))})
            return out


def lstm(reference=False):
    """One RMSProp step of an LSTM classifier over 5 steps of 3 features (dynamic_rnn, variable lengths)."""
    rng = np.random.default_rng(2)
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(4)
        x, y = tf.placeholder(tf.float64, [None, 5, 3]), tf.placeholder(tf.int64, [None])
        lengths = tf.placeholder(tf.int32, [None])
        outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(6), x, sequence_length=lengths, dtype=tf.float64)
        logits = tf.layers.dense(state.h, 2)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf.train.RMSPropOptimizer(0.01, momentum=0.9).minimize(loss)
        feed = {x: rng.normal(size=(3, 5, 3)), y: [0, 1, 1], lengths: [5, 3, 4]}
        with _session(g, reference) as sess:
            sess.run(tf.global_variables_initializer())
            loss_0, outs, _ = sess.run([loss, outputs, train], feed)
            return {"loss0": loss_0, "outputs": outs, "loss1": sess.run(loss, feed),
                    **{f"var{k}": v for k, v in enumerate(sess.run(tf.trainable_variables()))}}


def random_ops(reference=False):
    """TF's Philox streams: each random op twice in one session (the stream advances), seeded by the graph."""
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(7)
        ops = {"normal": tf.random_normal([3, 5]), "uniform": tf.random_uniform([7], -2, 3, dtype=tf.float64),
               "truncated": tf.truncated_normal([4, 4], stddev=0.5), "ints": tf.random_uniform([6], 0, 9, tf.int32),
               "shuffle": tf.random_shuffle(tf.range(10)), "gamma": tf.random_gamma([5], [0.5, 3.0]),
               "multinomial": tf.multinomial(tf.log([[0.1, 0.3, 0.6]]), 8),
               "dropout": tf.nn.dropout(tf.ones([3, 4]), rate=0.5, seed=1)}
        with _session(g, reference) as sess:
            first, second = sess.run(ops), sess.run(ops)
            return {**{f"{k}_1": v for k, v in first.items()}, **{f"{k}_2": v for k, v in second.items()}}


def casts(reference=False):
    """tf.cast between the dtypes TF programs use, fed and computed, and a cast's gradient."""
    g = tf.Graph()
    with g.as_default():
        f = tf.placeholder(tf.float32, [None])
        c = tf.constant([-3, 0, 7, 300], tf.int32)
        out = {"f_to_i32": tf.cast(f, tf.int32), "f_to_u8": tf.cast(f, tf.uint8), "f_to_bool": tf.cast(f, tf.bool),
               "f_to_f64": tf.cast(f, tf.float64), "f_to_f16": tf.cast(f, tf.float16), "i_to_f": tf.to_float(c),
               "i_to_i64": tf.cast(c, tf.int64), "i_to_u8": tf.cast(c, tf.uint8), "b_to_i": tf.cast(c > 0, tf.int32),
               "grad": tf.gradients(tf.reduce_sum(tf.cast(f, tf.float64) ** 2), f)[0]}
        with _session(g, reference) as sess:
            return sess.run(out, {f: [-1.5, 0.25, 2.75, 1e3]})


OPTIMIZERS = {
    "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda: tf.train.AdamOptimizer(0.1),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.1),
    "rmsprop_centered": lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
}


def optimizers(reference=False):
    """Three steps of each optimizer on a least-squares problem: the variables after each step."""
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    out = {}
    for name, make in OPTIMIZERS.items():
        g = tf.Graph()
        with g.as_default():
            w = tf.Variable(np.ones((3, 1)), name="w")
            train = make().minimize(tf.reduce_mean((tf.matmul(tf.constant(a), w) - b) ** 2))
            with _session(g, reference) as sess:
                sess.run(tf.global_variables_initializer())
                for step in range(3):
                    sess.run(train)
                    out[f"{name}_{step}"] = sess.run(w)
    return out


def initializers(reference=False):
    """Variables drawn by the initializers of tf.get_variable and tf.layers, from a graph seed."""
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(11)
        scaled = tf.variance_scaling_initializer(2.0, "fan_in", "truncated_normal")
        made = [tf.get_variable("glorot", [4, 5]),
                tf.get_variable("orthogonal", [5, 5], initializer=tf.orthogonal_initializer()),
                tf.get_variable("scaled", [3, 6], initializer=scaled),
                tf.get_variable("ones", [2], initializer=tf.ones_initializer())]
        with _session(g, reference) as sess:
            sess.run(tf.global_variables_initializer())
            return dict(zip(["glorot", "orthogonal", "scaled", "ones"], sess.run(made)))


def other_kernels(reference=False):
    """Kernels with index work or host work of their own: unique, segments, scatters, sparse, bincount,
    sequences, diagonals, top-k tests, special functions, control flow, py_func, sampled softmax."""
    rng = np.random.default_rng(6)
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(5)
        x = tf.placeholder(tf.float32, [4, 3])
        ids = tf.constant([1, 0, 1, 3])
        n = tf.placeholder(tf.int32, [])
        v = tf.Variable(np.zeros((4, 3), np.float32))
        perm = tf.placeholder(tf.int32, [2])
        weights = tf.Variable(rng.normal(size=(10, 3)).astype(np.float32))
        sampled = tf.nn.sampled_softmax_loss(weights, tf.zeros([10]), tf.constant([[1], [4], [2], [9]], tf.int64), x,
                                             num_sampled=3, num_classes=10)
        out = {"unique": tf.unique(tf.constant([5, 3, 5, 1, 3]))[1], "segment": tf.unsorted_segment_sum(x, ids, 4),
               "segment_mean": tf.segment_mean(x, tf.constant([0, 0, 1, 2])),
               "scatter_nd": tf.scatter_nd(tf.constant([[1], [3]]), tf.ones([2, 3]), [4, 3]),
               "sparse": tf.sparse_to_dense(tf.constant([[0, 1], [2, 2]]), [3, 3], [7.0, 8.0]),
               "bincount": tf.bincount(tf.constant([1, 1, 4, 2])), "linspace": tf.linspace(0.0, 1.0, 7),
               "range": tf.range(n) * 2, "reversed": tf.reverse_sequence(x, [2, 3, 1, 3], seq_axis=1, batch_axis=0),
               "in_top_k": tf.nn.in_top_k(x, tf.constant([0, 1, 2, 0]), 2), "band": tf.matrix_band_part(x, 0, 1),
               "set_diag": tf.matrix_set_diag(x, tf.constant([9.0, 8.0, 7.0])),
               "digamma": tf.digamma(tf.abs(x) + 0.5), "lgamma": tf.lgamma(tf.abs(x) + 0.5),
               "transpose_grad": tf.gradients(tf.reduce_sum(tf.transpose(x, perm) * tf.range(4.0)), x)[0],
               "cond": tf.cond(n > 2, lambda: x * 2.0, lambda: x - 1.0),
               "loop": tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a * 1.5), [0, x])[1],
               "py_func": tf.py_func(lambda a: (a * 3).astype(np.float32), [x], tf.float32),
               "scatter_add": tf.scatter_add(v, [1, 1, 2], tf.ones([3, 3])), "sampled_softmax": sampled}
        feed = {x: rng.normal(size=(4, 3)).astype(np.float32), n: 3, perm: [1, 0]}
        with _session(g, reference) as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(out, feed)


def checkpoints(reference=False):
    """tf.train.Saver: its SaveV2 and RestoreV2 ops read the fed prefix (a string, kept on the host) and
    the variables' device values; a restore brings the saved values back."""
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(np.arange(6.0, dtype=np.float32).reshape(2, 3), name="w")
        step = tf.Variable(7, name="step")
        saver = tf.train.Saver()
        with _session(g, reference) as sess, tempfile.TemporaryDirectory() as folder:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, os.path.join(folder, "model"), global_step=3)
            sess.run([w.assign(w * 0.0), step.assign(0)])
            saver.restore(sess, path)
            return {"w": sess.run(w), "step": sess.run(step)}


PROGRAMS = {f.__name__: f for f in (mlp, cnn, lstm, random_ops, casts, optimizers, initializers, other_kernels,
                                    checkpoints)}


def run_all(path):
    """Run every program (compiled plans, then the watched reference executor) and save the values to
    ``path`` (.npz) with the stand-in's record (its leaks and the functions looked up on it) beside it."""
    import stand_in_cupy  # the subprocess put it in CuPy's place
    values, errors = {}, {}
    run = tf.Session.run

    def run_without_numpy_random(self, *args, **kwargs):  # the programs draw their data with NumPy, outside runs
        with stand_in_cupy.forbid_numpy_random():
            return run(self, *args, **kwargs)
    tf.Session.run = run_without_numpy_random
    for name, program in PROGRAMS.items():
        for executor in ("compiled", "reference"):
            try:
                result = program(reference=executor == "reference")
            except Exception as error:  # noqa: BLE001  (reported to the test, which fails naming it)
                errors[f"{name}/{executor}"] = f"{type(error).__name__}: {error}"
                continue
            for key, value in result.items():
                if not isinstance(value, (np.ndarray, np.generic)) or isinstance(value, stand_in_cupy.ndarray):
                    errors[f"{name}/{executor}/{key}"] = f"fetched a {type(value).__name__}, not NumPy"
                values[f"{name}/{executor}/{key}"] = np.asarray(value)
    leaks = list(stand_in_cupy.leaks)
    np.savez(path, **values)
    Path(str(path) + ".json").write_text(json.dumps({
        "module": backend.array_module_name(), "errors": errors, "leaks": leaks, "calls": dict(stand_in_cupy.calls),
        "probe": {executor: _leak_probe(executor == "reference") for executor in ("compiled", "reference")}}))


def _leak_probe(reference):
    """What a run reports when a kernel computes with NumPy instead of ``xp`` (``np.array`` of its input)."""
    from tensorslow.graph import Tensor
    g = tf.Graph()
    with g.as_default():
        x = tf.constant([1.0, 2.0])
        leaked = Tensor("Leak", (x,), compute=lambda v: np.array(v) * 2, dtype=x.dtype, shape=x.shape, name="leak")
        total = tf.add(leaked, x, name="total")
        try:
            with _session(g, reference) as sess:
                sess.run(total)
        except Exception as error:  # noqa: BLE001  (the test reads what was raised)
            return f"{type(error).__name__}: {error}"
    return "no error"


# -- choosing the array module ------------------------------------------------------------------------

def test_numpy_is_the_default_array_module():
    assert backend.array_module_name() == "numpy" and backend.xp is np and backend.ON_HOST
    a = np.arange(3.0)
    assert backend.to_device(a) is a and backend.to_host(a) is a  # no copies on the host
    assert backend.to_device([1, 2], np.float32).dtype == np.float32
    assert backend.is_device_array(a) and not backend.is_device_array([1.0])
    frozen = backend.freeze(np.zeros(2))
    with pytest.raises(ValueError, match="read-only"):
        frozen[0] = 1.0
    with backend.errstate(all="ignore"):
        assert np.isinf(np.ones(1) / 0)[0]


def test_unknown_array_module_is_refused_naming_the_variable_and_the_choices():
    with pytest.raises(ValueError, match=r"TENSORSLOW_ARRAY_MODULE='jax'.*numpy, cupy"):
        backend.load_array_module("jax")


def test_missing_cupy_raises_import_error_naming_the_package_and_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # what an absent package looks like to import
    with pytest.raises(ImportError, match=r"needs the package 'cupy'.*tensorslow-parity\[gpu\]"):
        backend.load_array_module("cupy")


@pytest.mark.slow
def test_the_environment_variable_is_read_at_import():
    code = "import tensorslow; print(tensorslow.backend.array_module_name())"
    for value, expected in (("numpy", "numpy"), (" NumPy ", "numpy")):
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TENSORSLOW_ARRAY_MODULE": value},
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0 and done.stdout.strip() == expected, done.stderr
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TENSORSLOW_ARRAY_MODULE": "gpu"},
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode != 0 and "TENSORSLOW_ARRAY_MODULE='gpu'" in done.stderr and "numpy, cupy" in done.stderr


# -- the stand-in catches what it must -------------------------------------------------------------------

def test_the_stand_in_refuses_host_arrays_and_numpy_random():
    import stand_in_cupy as xp
    device = xp.asarray(np.ones(3))
    assert type(device) is xp.ndarray and type(device + 1) is xp.ndarray and type(device.sum()) is xp.ndarray
    before = len(xp.leaks)
    with pytest.raises(TypeError, match="host numpy.ndarray"):
        device + np.ones(3)  # noqa: B018  (a NumPy array computed outside the seam meets a device array)
    with pytest.raises(TypeError, match="host numpy.ndarray"):
        xp.dot(np.ones(3), device)
    assert isinstance(xp.asnumpy(np.ones(2)), np.ndarray)  # accepted, as CuPy does, but recorded
    assert len(xp.leaks) == before + 3
    with pytest.raises(AttributeError):
        xp.random  # noqa: B018
    with xp.forbid_numpy_random(), pytest.raises(RuntimeError, match="numpy.random.default_rng"):
        np.random.default_rng(0)
    assert np.random.default_rng(0).integers(10) >= 0  # restored after the block
    del xp.leaks[before:]


# -- the programs on the stand-in: the same bits, no leaks ---------------------------------------------

@pytest.fixture(scope="module")
def on_stand_in(tmp_path_factory):
    """The programs' values and the stand-in's record, from a subprocess running TensorSlow on it."""
    path = tmp_path_factory.mktemp("seam") / "values.npz"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import stand_in_cupy; sys.modules['cupy'] = stand_in_cupy; "
            "import test_array_module_seam as t; t.run_all(sys.argv[2])")
    done = subprocess.run([sys.executable, "-c", code, str(TESTS), str(path)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, "TENSORSLOW_ARRAY_MODULE": "cupy"})
    assert done.returncode == 0, done.stderr[-3000:]
    record = json.loads(Path(str(path) + ".json").read_text())
    with np.load(path) as values:
        return dict(values), record


@pytest.mark.slow
def test_the_stand_in_run_used_the_cupy_path_without_leaks(on_stand_in):
    _, record = on_stand_in
    assert record["module"] == "cupy"
    assert record["errors"] == {} and record["leaks"] == []
    # and a kernel that computes with NumPy is caught: where its value meets a device array, or by the watch
    assert "'total'" in record["probe"]["compiled"] and "host numpy.ndarray" in record["probe"]["compiled"]
    assert "Leak op 'leak' is a host numpy.ndarray" in record["probe"]["reference"]
    for name in ("asarray", "dot", "exp", "tanh", "sqrt", "maximum"):  # the kernels went through xp
        assert record["calls"].get(name, 0) > 0, name


@pytest.mark.slow
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_same_bits_on_the_stand_in_as_on_numpy(on_stand_in, program):
    values, _ = on_stand_in
    for executor in ("compiled", "reference"):
        expected = PROGRAMS[program](reference=executor == "reference")
        for key, value in expected.items():
            got = values[f"{program}/{executor}/{key}"]
            assert got.dtype == np.asarray(value).dtype, (program, executor, key)
            np.testing.assert_array_equal(got, value, err_msg=f"{program}/{executor}/{key}", strict=True)


# -- the scan: no NumPy call on a run-time value ------------------------------------------------------------

PACKAGE = ROOT / "tensorslow"
# NumPy names that are about dtypes, not values: fine anywhere (CuPy uses NumPy's dtypes and scalar types).
DTYPE_FUNCTIONS = {"dtype", "finfo", "iinfo", "issubdtype", "can_cast", "result_type", "promote_types"}

# Modules where NumPy is the right library: what they compute is not a value of a run on the device.
HOST_MODULES = {
    "backend.py": "the seam itself: NumPy is the host side of to_host and to_device",
    "philox.py": "TF's Philox bits, drawn on the host: random kernels move the numbers with to_device",
    "philox_dists.py": "TF's distributions on Philox words (on the host: see philox.py)",
    "philox_math.py": "glibc's logf/sinf bit for bit in long double, which GPUs lack (on the host: see philox.py)",
    "range_sampler.py": "candidate samplers' bits, drawn on the host; the kernel moves them with to_device",
    "dtypes.py": "Python values and their dtypes, when a constant is made (graph building)",
    "graph_def.py": "GraphDef protos of the constants' NumPy values (graph metadata)",
    "checkpoint/": "checkpoint files, read and written on the host (Saver fetches values through Session.run)",
    "data/": "tf.data pipelines make feeds on the host; Session.run moves them with to_device",
    "summary/histograms.py": "summary protos, made on the host from to_host values (summary/ops.py)",
    "summary/images.py": "PNG encoding on the host, from to_host values (summary/ops.py)",
    "stepping.py": "a step-through view of fetched values, printed on the host",
    "drawing.py": "graph drawings: graph metadata, on the host",
}

GRAPH_BUILDING = "graph building: constants and static shapes, before any run (constants move with to_device)"
HOST_INDICES = "indices checked on the host for TF's error messages; the kernel moves what it uses with to_device"
# Functions (path, qualified name) that call NumPy on something other than a run's device values.
HOST_FUNCTIONS = {
    ("executor.py", "_shape"): "the shape of a failed op's input, for the error message",
    ("session.py", "_convert_feed_value"): "feeds are checked and converted on the host, then moved by to_device",
    ("graph.py", "<module>"): "a type alias of what ops accept",
    ("graph.py", "constant_node"): GRAPH_BUILDING,
    ("ops/control_flow_ops.py", "_message"): "an Assert's message: a string constant, which stays on the host",
    ("init_ops.py", "_filled"): GRAPH_BUILDING, ("init_ops.py", "Constant.__init__"): GRAPH_BUILDING,
    ("init_ops.py", "Constant.__call__"): GRAPH_BUILDING, ("init_ops.py", "random_uniform"): GRAPH_BUILDING,
    ("init_ops.py", "_normal"): GRAPH_BUILDING, ("init_ops.py", "Orthogonal.__call__"): GRAPH_BUILDING,
    ("layers/normalization.py", "BatchNormalization._fused_call"): GRAPH_BUILDING,
    ("layers/normalization.py", "_bessel_factor"): "the element count of a static shape",
    ("ops/array_ops.py", "_reshape_static"): GRAPH_BUILDING, ("ops/array_ops.py", "fill"): GRAPH_BUILDING,
    ("ops/array_ops.py", "_filled"): GRAPH_BUILDING, ("ops/array_ops.py", "range_"): GRAPH_BUILDING,
    ("ops/array_ops.py", "_transpose_grad"): "the inverse of a permutation (a few ints), given as a list",
    ("ops/array_ops.py", "_concat_grad"): "split points from static sizes, given as a list",
    ("ops/reduction_ops.py", "_prod_grad"): "the inverse of a permutation (a few ints), given as a list",
    ("ops/reduction_ops.py", "_reduction.build"): GRAPH_BUILDING,
    ("ops/reduction_extra_ops.py", "_reduction.build"): GRAPH_BUILDING,
    ("ops/reduction_extra_ops.py", "_zero_like"): GRAPH_BUILDING,
    ("ops/array_extra_ops.py", "_fractions"): GRAPH_BUILDING,
    ("ops/candidate_sampling_ops.py", "_int64_input"): GRAPH_BUILDING,
    ("ops/candidate_sampling_ops.py", "_accidental_hits"): HOST_INDICES,
    ("ops/clip_ops.py", "clip_by_norm"): GRAPH_BUILDING,
    ("ops/conv_ops.py", "_partial_dims"): GRAPH_BUILDING, ("ops/conv_ops.py", "backprop_input_node"): GRAPH_BUILDING,
    ("ops/conv_ops.py", "conv2d_transpose"): GRAPH_BUILDING, ("ops/conv_ops.py", "spatial_arg"): GRAPH_BUILDING,
    ("ops/core.py", "side_constant"): GRAPH_BUILDING, ("ops/core.py", "int_arg"): GRAPH_BUILDING,
    ("ops/core.py", "static_ints"): GRAPH_BUILDING,
    ("ops/array_ops.py", "_query.build"): GRAPH_BUILDING,
    ("ops/einsum_ops.py", "_as_matrix"): "the element count of a shape (ints)",
    ("ops/indexing_ops.py", "_slice_static_shape"): GRAPH_BUILDING, ("ops/indexing_ops.py", "pad"): GRAPH_BUILDING,
    ("ops/linalg_diag_ops.py", "diag_part.compute"): "the element count of a shape (ints)",
    ("ops/linalg_extra_ops.py", "eye"): GRAPH_BUILDING, ("ops/linalg_extra_ops.py", "norm"): GRAPH_BUILDING,
    ("ops/logging_ops.py", "format_element"): "printing a value on the host (tf.Print takes to_host values)",
    ("ops/logging_ops.py", "Print.compute"): "printing on the host: np.size of a value",
    ("ops/logging_ops.py", "print_v2.compute"): "printing on the host: np.size of a value",
    ("ops/math_extra_ops.py", "_elementwise"): "a Python function per element runs on the host (to_host, to_device)",
    ("ops/nn_impl.py", "weighted_cross_entropy_with_logits"): GRAPH_BUILDING,
    ("ops/random_ops.py", "_static_dims"): GRAPH_BUILDING, ("ops/random_ops.py", "_shape_node"): GRAPH_BUILDING,
    ("ops/random_ops.py", "_random_op.compute"): "the element count of the dims (ints)",
    ("ops/random_ops_extra.py", "_count_node"): GRAPH_BUILDING,
    ("ops/random_ops_extra.py", "_gamma_shape"): GRAPH_BUILDING,
    ("ops/random_ops_extra.py", "_shape_of"): GRAPH_BUILDING,
    ("ops/random_ops_extra.py", "random_gamma.compute"): "the element count of a shape (host ints)",
    ("ops/random_ops_extra.py", "_broadcast_args.compute"): "broadcasting two shapes (host ints)",
    ("ops/sampled_losses.py", "_shape"): GRAPH_BUILDING,
    ("ops/scatter_ops.py", "_check_range"): "the position of a bad index, for the error message",
    ("ops/scatter_ops.py", "scatter_nd"): GRAPH_BUILDING,
    ("ops/segment_ops.py", "unsorted_segment_sum.compute"): "the position of a bad id, for the error message",
    ("ops/script_ops.py", "_returned"): "py_func's results as NumPy, checked, then moved with to_device",
    ("ops/script_ops.py", "py_func.compute"): "py_func's function takes NumPy arrays (to_host values), as TF's",
    ("ops/slice_ops.py", "_index_input"): GRAPH_BUILDING, ("ops/slice_ops.py", "_known_value"): GRAPH_BUILDING,
    ("ops/slice_ops.py", "_coordinates"): HOST_INDICES,
    ("summary/ops.py", "string_constant"): GRAPH_BUILDING,
    ("summary/ops.py", "_shape_text"): "summaries are made on the host from to_host values (_on_host)",
    ("summary/ops.py", "_scalar_kernel"): "summaries are made on the host from to_host values (_on_host)",
    ("summary/ops.py", "_histogram_kernel"): "summaries are made on the host from to_host values (_on_host)",
    ("summary/ops.py", "_image_kernel"): "summaries are made on the host from to_host values (_on_host)",
    ("summary/ops.py", "_tensor_summary_kernel"): "summaries are made on the host from to_host values (_on_host)",
    ("summary/ops.py", "_merge_kernel"): "serialized summaries (bytes), on the host",
    ("train/adam.py", "AdamOptimizer._create_shared"): GRAPH_BUILDING,
    ("train/optimizer.py", "hyper"): GRAPH_BUILDING,
}


def _numpy_uses(path):
    """(qualified function name, dotted NumPy name, line) of each NumPy name ``path`` uses that can touch
    values: not a dtype, a scalar type, an exception class or a constant, and not inside a type hint."""
    tree = ast.parse(path.read_text())
    uses = []

    def dotted(node):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        return list(reversed(parts)) if isinstance(node, ast.Name) and node.id in ("np", "numpy") else None

    def about_values(parts):
        obj = np
        for part in parts:
            obj = getattr(obj, part, None)
        if parts[0] in DTYPE_FUNCTIONS or (isinstance(obj, type) and obj is not np.ndarray):
            return False
        return callable(obj) or obj is np.ndarray or isinstance(obj, type(np))

    def visit(node, scope):
        for field, child in ast.iter_fields(node):
            if field in ("annotation", "returns"):
                continue  # a type hint
            for item in child if isinstance(child, list) else [child]:
                if not isinstance(item, ast.AST):
                    continue
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(item, scope + [item.name])
                    continue
                parts = dotted(item) if isinstance(item, ast.Attribute) else None
                if parts:
                    if about_values(parts):
                        uses.append((".".join(scope) or "<module>", "np." + ".".join(parts), item.lineno))
                    continue
                visit(item, scope)
    visit(tree, [])
    return uses


def test_no_numpy_call_on_run_time_values():
    """Every NumPy call in tensorslow/ that could see a run's values goes through ``xp``, or is listed
    above with the reason it stays NumPy; a listed function that no longer uses NumPy must leave the list."""
    unexplained, used = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if any(relative == m or (m.endswith("/") and relative.startswith(m)) for m in HOST_MODULES):
            continue
        for scope, name, line in _numpy_uses(path):
            if (relative, scope) in HOST_FUNCTIONS:
                used.add((relative, scope))
            else:
                unexplained.append(f"tensorslow/{relative}:{line} {scope}: {name}")
    assert not unexplained, ("NumPy used where the array module (tensorslow.backend.xp) should be; use xp, "
                             "or add the function to HOST_FUNCTIONS with the reason:\n" + "\n".join(unexplained))
    assert not set(HOST_FUNCTIONS) - used, f"listed but no longer using NumPy: {sorted(set(HOST_FUNCTIONS) - used)}"


def test_the_scan_sees_numpy_calls_and_lets_dtypes_pass(tmp_path):
    source = tmp_path / "kernel.py"
    source.write_text("import numpy as np\n"
                      "def kernel(x: np.ndarray) -> np.ndarray:\n"
                      "    if isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating):\n"
                      "        return np.random.default_rng(0).normal(size=x.shape) + np.add.reduce(x) + np.pi\n"
                      "    return x.astype(np.dtype('f8')) if np.finfo(np.float32).eps else None\n")
    assert [(scope, name) for scope, name, _ in _numpy_uses(source)] == [
        ("kernel", "np.ndarray"), ("kernel", "np.random.default_rng"), ("kernel", "np.add.reduce")]


if __name__ == "__main__":
    run_all(sys.argv[1])
