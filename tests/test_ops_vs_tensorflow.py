"""Every catalog op against ``tensorflow.compat.v1`` in graph mode: forward values and gradients.

Each case of ``tensorslow_parity/ops/catalog/`` is built by its builder twice, once with
``tensorslow`` and once with ``tensorflow.compat.v1`` in a fresh ``tf.Graph()``,
fed the same seeded inputs (the entry's example shapes, a broadcasting one
among them) and run in a Session. Forward values must match; for
differentiable ops so must ``gradients(reduce_sum(out * w), inputs)`` for fixed
random weights ``w``. Tolerances: float32 rtol 1e-5 / atol 1e-6, float64
rtol 1e-10 / atol 1e-12, relaxed per op only where commented below.

Also here, because they need TensorFlow and Keras: the catalog's symbols
must resolve and its op types must be exactly the gradient registry's.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402
from tensorslow.registry import registered_op_types  # noqa: E402
from tensorslow_parity.ops.catalog import CATALOG, DOMAINS, SHAPE_FAMILIES, all_cases, make_inputs  # noqa: E402
from tensorslow_parity.ops.parity import case_seed, run_case  # noqa: E402
from tensorslow_parity.tolerances import OP_TOLERANCES  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")  # imported once per module: it is slow
tf1 = tensorflow.compat.v1

OP_TOLERANCES_BY_TYPE = {np.float32: OP_TOLERANCES["float32"], np.float64: OP_TOLERANCES["float64"]}
RELAXED = {
    # op type -> float32 tolerance, with why. (None so far: add with a reason if an op needs it.)
}


# -- the catalog itself -----------------------------------------------------------------------

def test_catalog_has_exactly_the_registry_op_types():
    registry, catalog = set(registered_op_types()), {e.op_type for e in CATALOG}
    assert len(CATALOG) == len(catalog), "two catalog entries share an op type"
    assert not registry - catalog, \
        f"op types in the gradient registry without a catalog entry: {sorted(registry - catalog)}"
    assert not catalog - registry, \
        f"catalog entries for op types not in the gradient registry: {sorted(catalog - registry)}"


def test_catalog_differentiable_flags_match_the_registry():
    differentiable = set(registered_op_types(differentiable=True))
    wrong = [e.op_type for e in CATALOG if e.differentiable != (e.op_type in differentiable)]
    assert not wrong, f"catalog entries whose differentiable flag contradicts the registry: {wrong}"


def test_catalog_entries_are_well_formed():
    for entry in CATALOG:
        assert entry.forward_comparable or entry.sanity is not None, \
            f"{entry.op_type}: an op not comparable forward needs a sanity check"
        for case in entry.cases():
            assert len(case.domains()) == entry.n_float, f"{case.id}: {len(case.domains())} domains, " \
                                                         f"{entry.n_float} float inputs"
            assert all(d in DOMAINS for d in case.domains()), f"{case.id}: unknown domain in {case.domain}"
            assert case.family in SHAPE_FAMILIES, f"{case.id}: unknown shape family {case.family!r}"
            assert case.examples, f"{case.id}: no example shapes"
            for shapes in case.examples:
                assert len(shapes) == entry.n_float, f"{case.id}: example {shapes} for {entry.n_float} inputs"
            assert all(0 <= i < entry.n_float for i in case.stopped_inputs), f"{case.id}: bad stopped_inputs"


def _resolve(path, roots):
    head, *rest = path.split(".")
    obj = roots[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj


def test_catalog_symbols_resolve():
    keras = pytest.importorskip("keras")
    roots = {"tf": tensorflow, "keras": keras}
    missing = []
    for e in CATALOG:
        try:
            _resolve("ts." + e.tensorslow, {"ts": ts})
        except AttributeError:
            missing.append(f"{e.op_type}: tensorslow.{e.tensorslow}")
        for what, path, prefix in [("tf_v1", e.tf_v1, "tf.compat.v1."), ("tf2", e.tf2, "tf."),
                                   ("keras_op", e.keras_op, "keras."), ("keras_layer", e.keras_layer, "keras.layers.")]:
            if path is None:
                continue
            if not path.startswith(prefix):
                missing.append(f"{e.op_type}: {what} {path!r} should start with {prefix!r}")
                continue
            try:
                _resolve(path, roots)
            except AttributeError:
                missing.append(f"{e.op_type}: {what} {path}")
    assert not missing, "catalog symbols that do not exist:\n" + "\n".join(missing)


def test_catalog_tensorslow_and_tf_v1_symbols_share_their_name():
    # TensorSlow mirrors tf.compat.v1: an op's function has the same name in both.
    for e in CATALOG:
        if e.tensorslow.startswith("Tensor."):
            continue
        assert e.tensorslow.split(".")[-1] == e.tf_v1.split(".")[-1], \
            f"{e.op_type}: tensorslow.{e.tensorslow} vs {e.tf_v1}"


# -- running a case in both frameworks ---------------------------------------------------------

CASES = all_cases()
DTYPES = [np.float32, np.float64]


def _params():
    return [pytest.param(c, d, id=f"{c.id}-{np.dtype(d).name}") for c in CASES for d in DTYPES]


def _ops_and_frames(graph):
    """The graph's ops and its loops' frame runners (control_flow/frame.py: engine nodes, not ops)."""
    ops = graph.get_operations()
    return ops + [n.inputs[0] for n in ops if n.type == "Exit"]


@pytest.mark.parametrize("case, dtype", _params())
def test_op_matches_tensorflow(case, dtype):
    entry = case.entry
    tol = OP_TOLERANCES_BY_TYPE[dtype]
    if dtype is np.float32 and entry.op_type in RELAXED:
        tol = RELAXED[entry.op_type]
    for shapes in case.examples:
        seed = case_seed(case, shapes)
        floats, extras = make_inputs(case, shapes, dtype, np.random.default_rng(seed))
        where = f"{case.id} ({np.dtype(dtype).name}, input shapes {list(shapes)})"
        ts_out, ts_value, ts_grads = run_case(ts, case, shapes, floats, extras, dtype, seed)
        tf_out, tf_value, tf_grads = run_case(tf1, case, shapes, floats, extras, dtype, seed)
        ts_value, tf_value = np.asarray(ts_value), np.asarray(tf_value)

        assert ts_out.graph is not None and any(n.type == entry.op_type for n in _ops_and_frames(ts_out.graph)), \
            f"{where}: the builder made no {entry.op_type} node in TensorSlow"
        assert ts_out.shape.is_compatible_with(ts_value.shape), \
            f"{where}: TensorSlow's static shape {ts_out.shape} contradicts the value's shape {ts_value.shape}"
        assert ts_out.dtype is not None and ts_out.dtype.name == tf_out.dtype.name, \
            f"{where}: static dtype {ts_out.dtype} in TensorSlow, {tf_out.dtype.name} in TensorFlow"
        assert ts_value.dtype == tf_value.dtype, f"{where}: value dtype {ts_value.dtype} vs TF {tf_value.dtype}"
        assert ts_value.shape == tf_value.shape, f"{where}: value shape {ts_value.shape} vs TF {tf_value.shape}"
        if entry.forward_comparable:
            _assert_close(ts_value, tf_value, tol, f"{where}: forward value")
        else:
            assert entry.sanity(ts_value), f"{where}: TensorSlow's value fails the entry's sanity check"
            assert entry.sanity(tf_value), f"{where}: TensorFlow's value fails the entry's sanity check " \
                                           f"(the check itself is wrong)"

        if ts_grads is None:
            continue
        for i, (g_ts, g_tf) in enumerate(zip(ts_grads, tf_grads)):
            what = f"{where}: gradient of input {i}"
            if not entry.differentiable or i in case.stopped_inputs:
                # No gradient: TensorSlow says None; TF says None or zeros (tf.sign's gradient is zeros).
                assert g_ts is None, f"{what}: expected None (no gradient), got a value"
                assert g_tf is None or not np.any(g_tf), f"{what}: TensorFlow has a nonzero gradient here"
                continue
            if g_ts is None or g_tf is None:
                other = g_tf if g_ts is None else g_ts
                assert other is None or not np.any(other), \
                    f"{what}: {'TensorSlow' if g_ts is None else 'TensorFlow'} gives None, the other {other!r}"
                continue
            _assert_close(np.asarray(g_ts), np.asarray(g_tf), tol, what)


def _assert_close(actual, expected, tol, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, TensorFlow {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype}, TensorFlow {expected.dtype}"
    if actual.dtype.kind != "f":
        assert np.array_equal(actual, expected), f"{what}: {actual!r} differs from TensorFlow's {expected!r}"
        return
    if not np.allclose(actual, expected, equal_nan=True, **tol):
        err = np.abs(actual.astype(np.float64) - expected)
        j = np.unravel_index(np.nanargmax(err), err.shape) if err.ndim else ()
        pytest.fail(f"{what} differs from TensorFlow's: max abs error {np.nanmax(err):.3g} at {j} "
                    f"(TensorSlow {actual[j]!r}, TensorFlow {expected[j]!r}; rtol {tol['rtol']}, atol {tol['atol']})")
