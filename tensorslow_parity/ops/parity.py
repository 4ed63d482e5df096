"""Op parity: one case of the op catalog in TensorSlow and in ``tf.compat.v1``, compared; every case, to ops.csv.

Each case of the op catalog (:mod:`tensorslow_parity.ops.catalog`: one entry per registry
op type, plus variants) is built by its builder twice — with ``tensorslow``
and with ``tensorflow.compat.v1`` in a fresh ``tf.Graph()`` — fed the same
seeded inputs for each of its example shapes (broadcasting ones among them),
in float32 and float64. Forward values are compared, and for differentiable
ops the gradients ``tf.gradients(reduce_sum(out * w), inputs)`` for fixed
random weights ``w``.

A value passes when ``numpy.allclose(ts, tf, rtol, atol)`` holds:
float32 rtol 1e-5 / atol 1e-6, float64 rtol 1e-10 / atol 1e-12
(:data:`tensorslow_parity.tolerances.OP_TOLERANCES`). The errors written are normwise: max|ts - tf| and
max|ts - tf| / max|tf| over the value (the worst over inputs for gradients).
Random ops are compared value by value too: TensorSlow draws TensorFlow's own
streams for the same seeds. An entry marked ``forward_comparable=False`` (none
today) would have its row check the catalog's sanity check (distribution) in
both frameworks instead.
"""
import sys
import zlib
from pathlib import Path

import numpy as np

from tensorslow_parity import schema
from tensorslow_parity.files import atomic_write_csv
from tensorslow_parity.normwise import normwise
from tensorslow_parity.ops.catalog import all_cases, make_inputs
from tensorslow_parity.tolerances import OP_TOLERANCES


def case_seed(case, shapes):
    """The seed of a case's inputs: the same in every run and in the test suite."""
    return zlib.crc32(f"{case.id}{shapes}".encode())


def run_case(module, case, shapes, floats, extras, dtype, weights_seed):
    """Build ``case`` in a fresh graph of ``module`` (tensorslow or tf.compat.v1), run it.

    Returns ``(output node, value, gradients)``: one gradient per float input
    (None where there is none) of ``reduce_sum(out * w)``, ``w`` drawn from
    ``weights_seed``; gradients are None altogether when there are no float
    inputs or the output is not float.
    """
    graph = module.Graph()
    with graph.as_default():
        xs = [module.placeholder(module.as_dtype(dtype), s, name=f"x{i}") for i, s in enumerate(shapes)]
        out = case.build(module, *xs, *[module.constant(e) for e in extras])
        sess = module.Session(graph=graph)
        feed = dict(zip(xs, floats))
        value = sess.run(out, feed)
        grads = None
        if xs and np.asarray(value).dtype.kind == "f":
            w = np.random.default_rng(weights_seed).standard_normal(np.shape(value)).astype(value.dtype)
            loss = module.reduce_sum(out * module.constant(w))
            # convert_to_tensor: TF's gradient of gather is IndexedSlices; make it dense (a no-op in TensorSlow)
            nodes = [None if n is None else module.convert_to_tensor(n) for n in module.gradients(loss, xs)]
            fetch = [n for n in nodes if n is not None]
            got = iter(sess.run(fetch, feed)) if fetch else iter(())
            grads = [None if n is None else next(got) for n in nodes]
        sess.close()
    return out, value, grads


def close(actual, expected, tol):
    """allclose for floats (NaN equal to NaN), equality otherwise; shapes and dtypes must agree."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        return False
    if actual.dtype.kind != "f":
        return bool(np.array_equal(actual, expected))
    return bool(np.allclose(actual, expected, equal_nan=True, **tol))


def case_columns(case, shapes, dtype):
    """The ops.csv columns that say which case a row is: op, symbols in each framework, dtype, shapes."""
    entry = case.entry
    return dict(op_type=entry.op_type, case=case.id, tensorslow=f"tensorslow.{entry.tensorslow}", tf_v1=entry.tf_v1,
                tf2=entry.tf2 or "", keras=entry.keras_op or entry.keras_layer or "", dtype=dtype,
                shapes=" ".join("(" + ",".join(map(str, s)) + ")" for s in shapes))


def compare_case(ts, tf1, case, shapes, dtype):
    """One ops.csv row: ``case`` at input ``shapes`` in ``dtype``, TensorSlow against TensorFlow."""
    entry = case.entry
    tol = OP_TOLERANCES[dtype]
    row = dict(case_columns(case, shapes, dtype), rtol=tol["rtol"], atol=tol["atol"], reason="")
    seed = case_seed(case, shapes)
    floats, extras = make_inputs(case, shapes, np.dtype(dtype).type, np.random.default_rng(seed))
    _, ts_value, ts_grads = run_case(ts, case, shapes, floats, extras, dtype, seed)
    _, tf_value, tf_grads = run_case(tf1, case, shapes, floats, extras, dtype, seed)
    problems = []
    if entry.forward_comparable:
        if np.asarray(ts_value).dtype.kind == "f" and np.shape(ts_value) == np.shape(tf_value):
            row["forward_max_abs"], row["forward_max_rel"] = _nan_safe(ts_value, tf_value)
        row["forward_pass"] = close(ts_value, tf_value, tol)
        if not row["forward_pass"]:
            problems.append("forward values differ")
    else:
        row["forward_pass"] = bool(entry.sanity(np.asarray(ts_value)) and entry.sanity(np.asarray(tf_value)))
        row["reason"] = "random op: distribution checked, not values"
        if not row["forward_pass"]:
            problems.append("the random values fail the sanity check")
    if ts_grads is not None and entry.differentiable:
        abs_err, rel_err, ok = 0.0, 0.0, True
        for i, (g_ts, g_tf) in enumerate(zip(ts_grads, tf_grads)):
            if i in case.stopped_inputs:
                continue
            if g_ts is None or g_tf is None:
                other = g_tf if g_ts is None else g_ts
                ok = ok and (other is None or not np.any(other))  # None and zeros mean the same
                continue
            a, r = _nan_safe(g_ts, g_tf)
            abs_err, rel_err = max(abs_err, a), max(rel_err, r)
            ok = ok and close(g_ts, g_tf, tol)
        row.update(grad_max_abs=abs_err, grad_max_rel=rel_err, grad_pass=ok)
        if not ok:
            problems.append("gradients differ")
    row["status"] = "failed" if problems else "passed"
    if problems:
        row["reason"] = "; ".join(problems)
    return row


def _nan_safe(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    return normwise(np.where(both_nan, 0.0, a), np.where(both_nan, 0.0, b))


def run_ops(out, progress=True):
    """Run every case in both dtypes; write ``out/ops.csv``; return the rows."""
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # TensorFlow's C++, absl and Python logging silenced before its import
    import tensorflow

    import tensorslow as ts
    tensorflow.get_logger().setLevel("ERROR")  # deprecation notices of the v1 symbols under test
    tf1 = tensorflow.compat.v1
    jobs = [(case, shapes, dtype) for case in all_cases() for dtype in schema.DTYPES for shapes in case.examples]
    rows = []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(jobs), unit="case", file=sys.stderr, dynamic_ncols=True)
    for case, shapes, dtype in jobs:
        try:
            rows.append(compare_case(ts, tf1, case, shapes, dtype))
        except Exception as e:  # noqa: BLE001  one op's crash is recorded; the others still run
            rows.append(dict(case_columns(case, shapes, dtype), status="error", reason=f"{type(e).__name__}: {e}"))
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    atomic_write_csv(Path(out) / schema.OPS, rows, schema.OPS_COLUMNS)
    return rows
