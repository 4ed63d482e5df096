"""tf.summary and FileWriter: TensorBoard's own reader sees what TensorSlow writes, as TF writes it.

One TF1 program (scopes, scalar, histogram, image, text, merge_all, FileWriter with the graph) runs under
``tf.compat.v1`` and, module swapped, under TensorSlow; ``EventAccumulator`` reads both runs' event files
and finds the same tags, steps, scalar values, histograms and images. Then the parts one at a time: TF's
histogram buckets on awkward values, image scaling, the graph's TF-style names, errors, and FileWriter
without the tensorboard package.
"""
import glob
import io
import os
import struct
import sys
import zlib

import numpy as np
import pytest

import tensorslow as ts
from tensorslow.summary import histograms as ts_histogram
from tensorslow.summary.images import encode_png, to_uint8

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.compat.proto import summary_pb2  # noqa: E402

BATCH = np.linspace(-1.0, 2.0, 24, dtype=np.float32).reshape(2, 12)


@pytest.fixture
def ts1():
    with ts.Graph().as_default():
        yield ts


def tutorial_program(tf, logdir, text_tensor):
    """A TF1 TensorBoard tutorial in miniature: returns the merged summaries of two steps, written to logdir."""
    x = tf.placeholder(tf.float32, [None, 12], name="x")
    w = tf.Variable(np.arange(36, dtype=np.float32).reshape(12, 3) / 10, name="w")
    with tf.name_scope("layer1"):
        y = tf.matmul(x, w)
        tf.summary.histogram("activations", y)
        tf.summary.histogram("weights", w)
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(y))
        tf.summary.scalar("loss", loss)
    tf.summary.scalar("mean_x", tf.reduce_mean(x), family="inputs")
    tf.summary.image("input", tf.reshape(x, [-1, 3, 4, 1]), max_outputs=2)
    tf.summary.text("note", text_tensor)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir, tf.get_default_graph())
    outputs = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(2):
            summary = sess.run(merged, {x: BATCH * (step + 1)})
            writer.add_summary(summary, step)
            outputs.append(summary)
    writer.close()
    return outputs


def accumulate(logdir):
    acc = event_accumulator.EventAccumulator(logdir, size_guidance={"images": 0, "histograms": 0, "tensors": 0})
    return acc.Reload()


def test_tutorial_summaries_equal_tensorflows(tf1, tmp_path):
    tf_out = tutorial_program(tf1, str(tmp_path / "tf"), tf1.constant("hello *markdown*"))
    with ts.Graph().as_default():
        ts_out = tutorial_program(ts, str(tmp_path / "ts"), "hello *markdown*")
    assert all(isinstance(s, bytes) for s in ts_out)  # Session.run returns bytes, as TF does
    for tf_bytes, ts_bytes in zip(tf_out, ts_out):
        tf_summary, ts_summary = summary_pb2.Summary.FromString(tf_bytes), summary_pb2.Summary.FromString(ts_bytes)
        assert [v.tag for v in ts_summary.value] == [v.tag for v in tf_summary.value]
        for a, b in zip(tf_summary.value, ts_summary.value):
            if a.HasField("image"):  # PNG bytes may differ (zlib settings); the pixels may not
                assert (a.image.height, a.image.width, a.image.colorspace) == \
                       (b.image.height, b.image.width, b.image.colorspace)
                pixels = decode_png(a.image.encoded_image_string)
                assert np.array_equal(decode_png(b.image.encoded_image_string), pixels)
                continue
            assert a.histo.bucket == b.histo.bucket and a.histo.bucket_limit == b.histo.bucket_limit
            assert (a.histo.min, a.histo.max, a.histo.num) == (b.histo.min, b.histo.max, b.histo.num)
            assert a.histo.sum == pytest.approx(b.histo.sum, rel=1e-12)
            assert a.simple_value == b.simple_value
            assert a.tensor == b.tensor and a.metadata == b.metadata

    tf_acc, ts_acc = accumulate(str(tmp_path / "tf")), accumulate(str(tmp_path / "ts"))
    assert ts_acc.Tags()["scalars"] == tf_acc.Tags()["scalars"] == ["loss/loss", "inputs/inputs/mean_x"]
    for tag in ts_acc.Tags()["scalars"]:
        assert [(e.step, e.value) for e in ts_acc.Scalars(tag)] == [(e.step, e.value) for e in tf_acc.Scalars(tag)]
    assert ts_acc.Tags()["histograms"] == tf_acc.Tags()["histograms"]
    for tag in ts_acc.Tags()["histograms"]:
        assert [e.histogram_value.bucket for e in ts_acc.Histograms(tag)] == \
               [e.histogram_value.bucket for e in tf_acc.Histograms(tag)]
    assert ts_acc.Tags()["images"] == tf_acc.Tags()["images"] == ["input/image/0", "input/image/1"]
    assert ts_acc.Tags()["tensors"] == tf_acc.Tags()["tensors"]  # the text summary
    text = ts_acc.Tensors("note")[0].tensor_proto.string_val
    assert text == [b"hello *markdown*"]
    assert ts_acc.SummaryMetadata("note").plugin_data.plugin_name == "text"
    assert ts_acc.Tags()["graph"] and tf_acc.Tags()["graph"]


def test_event_file_name_framing_and_first_event(ts1, tmp_path):
    writer = ts1.summary.FileWriter(str(tmp_path))
    writer.add_summary(ts1.Summary(value=[ts1.Summary.Value(tag="acc", simple_value=0.5)]), global_step=7)
    writer.close()
    (path,) = glob.glob(str(tmp_path / "*"))
    assert os.path.basename(path).startswith("events.out.tfevents.") and path.endswith(os.uname().nodename)
    data = open(path, "rb").read()
    length, = struct.unpack("<Q", data[:8])  # TFRecord: length, crc(length), data, crc(data)
    from tensorboard.compat.proto import event_pb2
    first = event_pb2.Event.FromString(data[12:12 + length])
    assert first.file_version == "brain.Event:2"
    acc = accumulate(str(tmp_path))
    assert [(e.step, e.value) for e in acc.Scalars("acc")] == [(7, 0.5)]
    assert writer.get_logdir() == str(tmp_path)


def test_graph_in_event_file_has_tf_names(ts1, tmp_path):
    x = ts1.placeholder(ts1.float32, [None, 3], name="x")
    with ts1.name_scope("layer1"):
        w = ts1.Variable(np.ones((3, 2), np.float32), name="w")
        y = ts1.matmul(x, w)
    with ts1.device("/cpu:0"):
        ts1.summary.scalar("loss", ts1.reduce_mean(y))
    with ts1.summary.FileWriter(str(tmp_path), ts1.get_default_graph()):
        pass
    graph = accumulate(str(tmp_path)).Graph()
    nodes = {n.name: n for n in graph.node}
    assert nodes["layer1/MatMul"].op == "MatMul" and list(nodes["layer1/MatMul"].input) == ["x", "layer1/w"]
    assert nodes["layer1/w/Assign"].input[0] == "layer1/w"  # Assign(ref, value), as in TF
    assert nodes["loss"].op == "ScalarSummary" and list(nodes["loss"].input) == ["loss/tags", "Mean"]
    assert nodes["loss"].device == "/device:CPU:0"
    assert nodes["x"].attr["dtype"].type == 1 and [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in nodes["layer1/MatMul"].attr["_output_shapes"].list.shape[0].dim] == [-1, 2]
    assert nodes["layer1/MatMul"].attr["T"].type == 1 and nodes["layer1/MatMul"].attr["transpose_a"].b is False
    assert nodes["loss/tags"].attr["value"].tensor.string_val == [b"loss"]


def test_summary_names_follow_tf(tf1, ts1):
    def build(tf):
        x = tf.placeholder(tf.float32, None, name="x")
        with tf.name_scope("loss"):
            m = tf.reduce_mean(x)
            tf.summary.scalar("mean", m)  # "loss/Mean" is taken (names compare case-insensitively): loss/mean_1
        a = tf.summary.scalar("a b", x, family="fam")
        h1, h2 = tf.summary.histogram("h", x), tf.summary.histogram("h", x)
        tf.summary.merge([a, h1], name="mymerge")
        tf.summary.merge([a, h2])
        names = [(op.name.split(":")[0], op.type) for op in tf.get_default_graph().get_operations()]
        return [(name, kind) for name, kind in names if "Summary" in kind or name.endswith(("/tags", "/tag"))]
    assert build(ts1) == build(tf1)


@pytest.mark.parametrize("values", [
    [-3.0, 1e-13, -1e30, 1e30, 5.0, 0.0, 1e-12, -1e-12],
    np.random.default_rng(0).standard_normal(1000),
    [],
])
def test_histogram_buckets_equal_tfs(tf1, values):
    x = tf1.placeholder(tf1.float64, None)
    with tf1.Session() as sess:
        tf_histo = summary_pb2.Summary.FromString(sess.run(tf1.summary.histogram("h", x), {x: values})).value[0].histo
    ts_histo = ts_histogram.histogram(values)
    assert ts_histo["bucket_limit"] == list(tf_histo.bucket_limit)
    assert ts_histo["bucket"] == list(tf_histo.bucket)
    assert (ts_histo["min"], ts_histo["max"], ts_histo["num"]) == (tf_histo.min, tf_histo.max, tf_histo.num)
    assert ts_histo["sum"] == tf_histo.sum and ts_histo["sum_squares"] == tf_histo.sum_squares


@pytest.mark.parametrize("image", [
    np.array([[[0.0], [0.5]], [[1.0], [np.nan]]], np.float32),          # positive: x * 255 / max
    np.array([[[-2.0, 0.0, 1.0]], [[0.3, -0.7, 2.0]]], np.float32),     # negative: x * 127 / max|x| + 128
    np.full((2, 2, 4), 1e-8, np.float64),                                # below 1e-6: scale 0
])
def test_float_images_scaled_as_tf(tf1, image):
    x = tf1.placeholder(tf1.as_dtype(image.dtype), [1, *image.shape])
    with tf1.Session() as sess:
        value = summary_pb2.Summary.FromString(sess.run(tf1.summary.image("i", x, 1), {x: image[None]})).value[0]
    assert value.tag == "i/image"
    assert np.array_equal(to_uint8(image), decode_png(value.image.encoded_image_string))


def test_png_encoding_decodes_to_the_pixels(tensorflow):
    pixels = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    decoded = tensorflow.io.decode_png(encode_png(pixels)).numpy()
    assert np.array_equal(decoded, pixels)


def test_summary_errors_name_the_problem(ts1):
    x = ts1.placeholder(ts1.float32, None, name="x")
    scalar, histo = ts1.summary.scalar("s", x), ts1.summary.histogram("h", x)
    with ts1.Session() as sess:
        with pytest.raises(ts1.errors.InvalidArgumentError, match=r"not the same shape: \[\] != \[2\]"):
            sess.run(scalar, {x: [1.0, 2.0]})
        with pytest.raises(ts1.errors.InvalidArgumentError, match="Nan in summary histogram for: h"):
            sess.run(histo, {x: [1.0, np.nan]})
        with pytest.raises(ts1.errors.InvalidArgumentError, match="Duplicate tag s found in summary inputs"):
            sess.run(ts1.summary.merge([scalar, scalar]), {x: 1.0})
    with pytest.raises(ValueError, match="rank 4"):
        ts1.summary.image("img", ts1.zeros([2, 3]))
    with pytest.raises(ValueError, match="to have dtype string"):
        ts1.summary.text("t", ts1.zeros([2]))
    assert ts1.summary.merge_all(key="nothing here") is None


def test_writer_strips_repeated_metadata_and_rejects_bad_input(ts1, tmp_path):
    note = ts1.summary.text("note", "x")
    writer = ts1.summary.FileWriter(str(tmp_path), filename_suffix=".v1")
    with ts1.Session() as sess:
        for step in range(2):
            writer.add_summary(sess.run(note), step)
    with pytest.raises(TypeError, match="Summary proto"):
        writer.add_summary("not a summary")
    with pytest.raises(ValueError, match="not both"):
        writer.add_graph(ts1.get_default_graph(), graph_def=object())
    writer.add_session_log(ts1.SessionLog(status=ts1.SessionLog.START), 2)
    writer.close()
    writer.add_summary(sess_free_summary(), 3)  # dropped after close, as TF drops it
    from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
    events = list(LegacyEventFileLoader(glob.glob(str(tmp_path / "*.v1"))[0]).Load())
    with_summary = [e for e in events if e.HasField("summary")]
    assert [e.summary.value[0].HasField("metadata") for e in with_summary] == [True, False]
    assert events[-1].session_log.status == ts1.SessionLog.START and events[-1].step == 2


def sess_free_summary():
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="late", simple_value=1.0)])


def test_file_writer_cache_gives_one_writer_per_logdir(ts1, tmp_path):
    a, b = ts1.summary.FileWriterCache.get(str(tmp_path)), ts1.summary.FileWriterCache.get(str(tmp_path))
    assert a is b
    ts1.summary.FileWriterCache.clear()
    assert ts1.summary.FileWriterCache.get(str(tmp_path)) is not a
    ts1.summary.FileWriterCache.clear()


def test_without_tensorboard_file_writer_names_the_extra(ts1, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "tensorboard" or m.startswith("tensorboard.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` now raises ImportError
    scalar = ts1.summary.scalar("s", 1.0)  # building the graph needs no tensorboard
    with pytest.raises(ImportError, match=r"'tensorboard'.*pip install tensorslow-parity\[summary\]"):
        ts1.summary.FileWriter(str(tmp_path / "logs"))
    assert not os.path.exists(tmp_path / "logs")
    with ts1.Session() as sess, pytest.raises(ImportError, match="tensorslow-parity"):
        sess.run(scalar)


def decode_png(data):
    """Pixels of an 8-bit, non-interlaced PNG as [height, width, channels] (PNG filters undone)."""
    stream, chunks = io.BytesIO(data[8:]), {}
    while True:
        length, kind = struct.unpack(">I4s", stream.read(8))
        chunks.setdefault(kind, []).append(stream.read(length))
        stream.read(4)
        if kind == b"IEND":
            break
    width, height, _, color, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    channels = {0: 1, 2: 3, 6: 4, 4: 2}[color]
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    rows, previous = [], np.zeros(stride, np.int32)
    for r in range(height):
        kind, line = raw[r * (stride + 1)], np.frombuffer(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)], np.uint8)
        out = np.zeros(stride, np.int32)
        for i in range(stride):
            left = out[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            predictor = [0, left, up, (left + up) // 2, _paeth(left, up, up_left)][kind]
            out[i] = (int(line[i]) + predictor) % 256
        rows.append(out)
        previous = out
    return np.array(rows, np.uint8).reshape(height, width, channels)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c
