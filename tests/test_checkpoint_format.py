"""TensorFlow's checkpoint format as tensorslow.checkpoint writes and reads it, compared with the files
TensorFlow itself writes (byte for byte) and with TensorFlow's own reader."""
import os

import numpy as np
import pytest

from tensorslow import errors
from tensorslow.checkpoint import proto, state, table
from tensorslow.checkpoint.bundle import BundleReader, merge_bundles, write_bundle
from tensorslow.checkpoint.crc32c import crc32c, mask, unmask


def _crc_bytewise(data: bytes) -> int:
    from tensorslow.checkpoint.crc32c import TABLE
    reg = 0xFFFFFFFF
    for byte in data:
        reg = TABLE[(reg ^ byte) & 0xFF] ^ (reg >> 8)
    return reg ^ 0xFFFFFFFF


def _all_dtypes_tensors(rng):
    """Every dtype, scalars, empty tensors and one of several MB."""
    values = {
        "dense/kernel": rng.standard_normal((3, 4)).astype(np.float32),
        "dense/bias": np.arange(4, dtype=np.float32),
        "big": rng.standard_normal((1500, 1000)).astype(np.float32),  # 6 MB
        "scalar_f64": np.float64(np.pi),
        "scalar_bool": np.bool_(True),
        "empty": np.zeros((0, 3), np.float16),
        "empty_scalarless": np.zeros((2, 0), np.int64),
        "flags": np.array([True, False, True]),
        "half": rng.standard_normal((2, 3)).astype(np.float16),
        "f64": rng.standard_normal(5),
    }
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8):
        values[f"ints/{np.dtype(dtype).name}"] = rng.integers(-100, 100, (2, 5)).astype(dtype)
    return values


# -- CRC32C ------------------------------------------------------------------------------------

def test_crc32c_known_values_and_tensorflow_mask():
    assert crc32c(b"") == 0
    assert crc32c(b"123456789") == 0xE3069283  # the standard check value of CRC-32C
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720's test vectors
    assert crc32c(bytes(range(32))) == 0x46DD794E
    for value in (0, 1, 0xDEADBEEF, 0xFFFFFFFF):
        assert unmask(mask(value)) == value
    assert mask(crc32c(b"\x01")) == 0x43282B05  # as TensorFlow stored it for a bool True (see below)


@pytest.mark.parametrize("size", [1, 100, 2047, 2048, 2049, 4096 + 13, 65536, 300_001])
def test_crc32c_lanes_agree_with_the_bytewise_loop(size):
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    expected = _crc_bytewise(data)
    assert crc32c(data) == expected
    assert crc32c(np.frombuffer(data, np.uint8)) == expected
    cut = size // 3  # extending a CRC with more data
    assert crc32c(data[cut:], crc32c(data[:cut])) == expected


# -- protobuf messages -------------------------------------------------------------------------

def test_varints_and_entries_round_trip():
    for value in (0, 1, 127, 128, 300, 2**31, 2**63 - 1):
        encoded = proto.varint(value)
        assert proto.read_varint(encoded, 0) == (value, len(encoded))
    assert proto.varint(-1) == b"\xff" * 9 + b"\x01"  # int64 -1: ten bytes, as protobuf writes it
    entry = proto.BundleEntry(dtype=1, shape=(2, 0, 3), offset=12345, size=0, crc32c=0xA282EAD8)
    assert proto.BundleEntry.decode(entry.encode()) == entry
    header = proto.BundleHeader()
    assert header.encode() == b"\x08\x01\x1a\x02\x08\x01"  # num_shards: 1, version { producer: 1 }
    with pytest.raises(errors.DataLossError, match="varint"):
        proto.parse_fields(b"\x08")


def test_dtype_enums_are_tensorflows(tensorflow):
    for name, (enum, _) in proto.DTYPES.items():
        dtype = tensorflow.as_dtype(name)
        assert dtype.as_datatype_enum == enum, name
        assert tensorflow.dtypes.as_dtype(enum).name == name


# -- the sorted string table -------------------------------------------------------------------

def test_table_round_trip_over_several_blocks():
    keys = [b"", *(f"v{i:05d}/{'x' * 90}".encode() for i in range(6000))]
    entries = [(key, bytes(range(i % 40))) for i, key in enumerate(keys)]
    data = table.build_table(entries)
    assert len(data) > 2 * table.BLOCK_SIZE  # several data blocks, so several index entries
    assert table.read_table(data, "t.index") == entries
    with pytest.raises(ValueError, match="increasing order"):
        table.build_table([(b"b", b""), (b"a", b"")])


def test_separator_keys_are_leveldbs():
    assert table._shortest_separator(b"abcd", b"abzz") == b"abd"
    assert table._shortest_separator(b"abc", b"abcd") == b"abc"  # a prefix: unchanged
    assert table._shortest_separator(b"ab1", b"ab2") == b"ab1"  # no room between the bytes
    assert table._short_successor(b"flag") == b"g"
    assert table._short_successor(b"\xff\xffa") == b"\xff\xffb"


# -- bundles written by TensorFlow and by TensorSlow -------------------------------------------

def _tf_save(tensorflow, prefix, values):
    """TensorFlow's own bundle writer (the SaveV2 kernel every Saver runs)."""
    names = list(values)
    tensorflow.raw_ops.SaveV2(prefix=str(prefix), tensor_names=names, shape_and_slices=[""] * len(names),
                              tensors=[tensorflow.constant(values[n]) for n in names])


def _files(prefix):
    return [open(f"{prefix}{suffix}", "rb").read() for suffix in (".index", ".data-00000-of-00001")]


def test_bundle_is_byte_for_byte_tensorflows(tensorflow, tmp_path):
    values = _all_dtypes_tensors(np.random.default_rng(0))
    _tf_save(tensorflow, tmp_path / "tf", values)
    write_bundle(str(tmp_path / "ts"), values)
    assert _files(tmp_path / "ts") == _files(tmp_path / "tf")


def test_index_of_several_blocks_is_byte_for_byte_tensorflows(tensorflow, tmp_path):
    values = {f"layer_{i:04d}/{'w' * 100}": np.float32(i) for i in range(2600)}  # an index of ~330 KB
    _tf_save(tensorflow, tmp_path / "tf", values)
    write_bundle(str(tmp_path / "ts"), values)
    assert os.path.getsize(tmp_path / "tf.index") > table.BLOCK_SIZE
    assert _files(tmp_path / "ts") == _files(tmp_path / "tf")


def test_tensorflow_reads_tensorslow_bundles_and_back(tensorflow, tmp_path):
    values = _all_dtypes_tensors(np.random.default_rng(1))
    write_bundle(str(tmp_path / "ts"), values)
    tf_reader = tensorflow.train.load_checkpoint(str(tmp_path / "ts"))
    assert tf_reader.get_variable_to_shape_map() == {k: list(np.shape(v)) for k, v in values.items()}
    _tf_save(tensorflow, tmp_path / "tf", values)
    ts_reader = BundleReader(str(tmp_path / "tf"))
    assert sorted(ts_reader.keys()) == sorted(values)
    for name, value in values.items():
        for got in (tf_reader.get_tensor(name), ts_reader.read(name)):
            assert np.asarray(got).dtype == np.asarray(value).dtype and np.shape(got) == np.shape(value), name
            np.testing.assert_array_equal(got, value)


# -- merging the shards of a sharded save ------------------------------------------------------

def test_merged_shards_are_one_checkpoint_tensorflow_reads(tensorflow, tmp_path):
    """Two devices' checkpoints merged (MergeV2Checkpoints): data files renamed to shards 0 and 1 of 2,
    one index; TensorFlow reads every tensor of it, and TensorFlow's own merge gives the same index."""
    parts = {"part-0": {"b": np.arange(6, dtype=np.int32).reshape(2, 3), "z": np.float64(2.5)},
             "part-1": {"a": np.ones(4, np.float32), "c": np.array([True, False])}}
    for where in ("ts", "tf"):
        os.makedirs(tmp_path / where / "tmp")
        for part, values in parts.items():
            write_bundle(str(tmp_path / where / "tmp" / part), values)
    merge_bundles([str(tmp_path / "ts" / "tmp" / p) for p in parts], str(tmp_path / "ts" / "m"))
    tensorflow.raw_ops.MergeV2Checkpoints(checkpoint_prefixes=[str(tmp_path / "tf" / "tmp" / p) for p in parts],
                                          destination_prefix=str(tmp_path / "tf" / "m"), delete_old_dirs=True)
    for where in ("ts", "tf"):
        assert sorted(os.listdir(tmp_path / where)) == ["m.data-00000-of-00002", "m.data-00001-of-00002", "m.index"]
    assert open(tmp_path / "ts" / "m.index", "rb").read() == open(tmp_path / "tf" / "m.index", "rb").read()
    reader = tensorflow.train.load_checkpoint(str(tmp_path / "ts" / "m"))
    ours = BundleReader(str(tmp_path / "ts" / "m"))
    for values in parts.values():
        for name, value in values.items():
            np.testing.assert_array_equal(reader.get_tensor(name), value)
            np.testing.assert_array_equal(ours.read(name), value)


def test_merging_refuses_a_key_twice_and_moves_nothing(tmp_path):
    for part in ("p0", "p1"):
        write_bundle(str(tmp_path / part), {"same": np.zeros(2, np.float32)})
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(errors.InvalidArgumentError, match="Duplicate tensor key 'same'"):
        merge_bundles([str(tmp_path / "p0"), str(tmp_path / "p1")], str(tmp_path / "m"))
    assert sorted(os.listdir(tmp_path)) == before
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for .*nope"):
        merge_bundles([str(tmp_path / "nope")], str(tmp_path / "m"))


# -- damaged files -----------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    write_bundle(prefix, {"b": np.ones((2, 3), np.int32), "a": np.arange(1000, dtype=np.float32)})  # b's bytes first
    return prefix


def _damage(path, change):
    data = bytearray(open(path, "rb").read())
    open(path, "wb").write(bytes(change(data)))


def _flip(position):
    def change(data):
        data[position] ^= 0xFF
        return data
    return change


@pytest.mark.parametrize("change, error, message", [
    (_flip(100), errors.DataLossError, "Checksum does not match"),
    (lambda d: d[:2000], errors.OutOfRangeError, "Read less bytes than requested"),
])
def test_damaged_data_file_is_reported_with_its_name(saved, change, error, message, tensorflow):
    _damage(saved + ".data-00000-of-00001", change)
    with pytest.raises(error, match=message) as info:
        BundleReader(saved).read("a")
    assert "model.ckpt.data-00000-of-00001" in str(info.value)
    np.testing.assert_array_equal(BundleReader(saved).read("b"), np.ones((2, 3)))  # the rest is still readable
    with pytest.raises(Exception, match=message):  # TensorFlow refuses it too
        tensorflow.train.load_checkpoint(saved).get_tensor("a")


@pytest.mark.parametrize("change, message", [
    (_flip(10), "block checksum mismatch"),
    (lambda d: d[:-3], "bad magic number"),
    (lambda d: b"", "too short"),
])
def test_damaged_index_is_reported_with_its_name(saved, change, message, tensorflow):
    _damage(saved + ".index", change)
    with pytest.raises(errors.DataLossError, match=message) as info:
        BundleReader(saved)
    assert f"({saved}.index)" in str(info.value)
    with pytest.raises(Exception, match=message):
        tensorflow.train.load_checkpoint(saved)


def test_missing_files(saved):
    os.remove(saved + ".data-00000-of-00001")
    with pytest.raises(errors.NotFoundError, match="data-00000-of-00001"):
        BundleReader(saved).read("a")
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for .*nope"):
        BundleReader(saved + "nope")
    with pytest.raises(errors.NotFoundError, match="Key zzz not found in checkpoint"):
        BundleReader(saved).entry("zzz")


# -- atomic writes -----------------------------------------------------------------------------

def test_a_failed_write_leaves_the_previous_checkpoint_and_no_temporary_files(saved, monkeypatch):
    from tensorslow.checkpoint import bundle
    before = sorted(os.listdir(os.path.dirname(saved)))
    expected = BundleReader(saved).read("a")
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if dst.endswith(".index"):  # the data file is already in place: the worst moment
            raise OSError("disk full (injected)")
        os.rename(src, dst)

    monkeypatch.setattr(bundle.os, "replace", failing_replace)
    with pytest.raises(OSError, match="injected"):
        write_bundle(saved, {"a": np.zeros(1000, np.float32), "b": np.zeros((2, 3), np.int32)})
    assert len(calls) == 2
    assert sorted(os.listdir(os.path.dirname(saved))) == before
    monkeypatch.undo()
    # The old index still describes the old bytes' checksums: a reader detects the mixed state.
    with pytest.raises(errors.DataLossError):
        BundleReader(saved).read("a")
    write_bundle(saved, {"a": expected, "b": np.ones((2, 3), np.int32)})
    np.testing.assert_array_equal(BundleReader(saved).read("a"), expected)


def test_a_failure_while_writing_data_leaves_nothing(tmp_path, monkeypatch):
    from tensorslow.checkpoint import bundle
    with pytest.raises(TypeError, match="dtype complex128"):
        write_bundle(str(tmp_path / "m"), {"a": np.ones(3), "z": np.ones(3, np.complex128)})
    assert os.listdir(tmp_path) == []
    checksums = []

    def failing_crc(data):
        checksums.append(data)
        if len(checksums) == 2:  # the second tensor: the temporary data file holds the first one
            raise MemoryError("injected")
        return crc32c(data)

    monkeypatch.setattr(bundle, "crc32c", failing_crc)
    with pytest.raises(MemoryError, match="injected"):
        write_bundle(str(tmp_path / "m"), {"a": np.ones(3), "b": np.ones(3)})
    assert os.listdir(tmp_path) == []


# -- the state file ----------------------------------------------------------------------------

def test_state_file_text_is_tensorflows(tensorflow, tmp_path):
    from google.protobuf import text_format
    from tensorflow.python.training.checkpoint_state_pb2 import CheckpointState
    paths = ["model.ckpt-1", 'we"ird\\pa\th\'s\x01\x7f', "ünï/cödé€😀-2"]
    ours = str(state.CheckpointState(paths[-1], paths))
    theirs = text_format.MessageToString(CheckpointState(model_checkpoint_path=paths[-1],
                                                         all_model_checkpoint_paths=paths))
    assert ours == theirs
    assert state.parse_state(theirs) == state.CheckpointState(paths[-1], paths)
    parsed = CheckpointState()
    text_format.Merge(ours, parsed)
    assert list(parsed.all_model_checkpoint_paths) == paths
