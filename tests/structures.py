"""Comparing what TensorSlow and ``tf.compat.v1`` sessions return, container by container."""
import numpy as np


def assert_same_structure(ours, theirs, path="fetch"):
    """Same container types and nesting; leaves equal as arrays with the same dtype."""
    if theirs is None:
        assert ours is None, f"{path}: expected None, got {ours!r}"
        return
    if isinstance(theirs, dict):
        assert type(ours) is type(theirs), f"{path}: {type(ours).__name__} vs {type(theirs).__name__}"
        assert list(ours) == list(theirs), f"{path}: keys {list(ours)} vs {list(theirs)}"
        for k in theirs:
            assert_same_structure(ours[k], theirs[k], f"{path}[{k!r}]")
        return
    if isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs), f"{path}: {type(ours).__name__} vs {type(theirs).__name__}"
        assert len(ours) == len(theirs), f"{path}: length {len(ours)} vs {len(theirs)}"
        for k, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_structure(a, b, f"{path}[{k}]")
        return
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.dtype == b.dtype, f"{path}: dtype {a.dtype} vs {b.dtype}"
    assert a.shape == b.shape, f"{path}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=path)
