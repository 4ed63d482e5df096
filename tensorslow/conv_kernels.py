"""The convolution kernels behind ``conv2d`` and ``Conv2DBackpropInput`` (``tensorslow.ops.conv_ops``): NHWC
arrays in, arrays out, every array function called through ``xp``.

    y[n, i, j, o] = sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o]

with ``xpad`` the input with its padding, ``sh, sw`` the strides and ``dh, dw`` the dilations.

How it is computed (the im2col trick): a strided *view* of ``xpad`` with shape
(N, OH, OW, KH, KW, C) holds every window without copying; copied to a
(N*OH*OW, KH*KW*C) matrix it turns the whole convolution into one matrix
product with the filter reshaped to (KH*KW*C, O). The copy is made a block of
rows at a time (about ``BLOCK_BYTES``: an image or a few), each block
multiplied while it is still in the cache, into its rows of y.

Padding only adds zeros to the sum. Where it is wide enough to matter (SAME
with 5x5 windows on 14x14 images: 16% of the products), the windows are
taken in groups that read the same real taps (``window_groups``): those
near an edge multiply only the rows and columns of the filter that fall on
the image, and no padded copy of x is made at all. The gradients:

* dL/dw = im2col(xpad)^T @ dL/dy, summed over the same blocks and groups
  (the im2col rows are made again: as fast as keeping a 40 MB matrix from
  the forward pass, measured on the LeNet layer below);
* dL/dx: at stride 1, a convolution too: y[i] = sum_a xpad[i + a*d] w[a]
  gives dx[p] = sum_a dy[p + pad - a*d] w[a]^T, the correlation of dL/dy,
  padded by the window less the forward padding (padding that the groups
  skip in turn), with the filter turned by
  180 degrees and its channel axes swapped (15 ms on LeNet's second layer,
  64x14x14x32 input, 5x5x32x64 filter, float32, one thread, against 18 ms for
  the taps below). At other strides each filter tap (a, b) sends
  dL/dy @ w[a, b]^T back to the window of positions it read: KH*KW products
  added into strided slices of a padded gradient.

``Conv2DBackpropInput`` (``conv2d_transpose``) computes that input gradient as
an op of its own; its gradients are a convolution and a filter gradient.
"""
from __future__ import annotations

from collections.abc import Sequence

from .backend import strided_view, xp


def output_size(size: int | None, k: int, s: int, d: int, padding: str, pads: Sequence[int] = (0, 0),
                where_: str = "") -> tuple[int | None, int, int]:
    """``(out, before, after)`` along one spatial axis of ``size`` for a window of ``k`` taps spaced ``d``
    apart moved by ``s``: SAME gives ceil(size / s) and the padding that needs (the extra one after),
    VALID and EXPLICIT floor((size + padding - window) / s) + 1. None for an unknown size."""
    window = (k - 1) * d + 1
    if size is None:
        return None, 0, 0
    if padding == "SAME":
        out = -(-size // s)
        total = max((out - 1) * s + window - size, 0)
        return out, total // 2, total - total // 2
    before, after = pads
    if size + before + after < window:
        raise ValueError(f"Negative dimension size caused by subtracting {window} from {size + before + after} "
                         f"for {where_}")
    return (size + before + after - window) // s + 1, before, after


def geometry(shape: Sequence[int | None], kh: int, kw: int, attrs: dict, where_: str = ""):
    """((OH, OW), (top, bottom, left, right)) of a window over an NHWC ``shape``, from a node's attributes."""
    explicit = attrs.get("explicit_paddings") or [0] * 8
    dil = attrs.get("dilations", [1, 1, 1, 1])
    oh, top, bottom = output_size(shape[1], kh, attrs["strides"][1], dil[1], attrs["padding"], explicit[2:4], where_)
    ow, left, right = output_size(shape[2], kw, attrs["strides"][2], dil[2], attrs["padding"], explicit[4:6], where_)
    return (oh, ow), (top, bottom, left, right)



def pad_spatial(x, pads, value=0):
    """``x`` (NHWC) with ``pads`` = (top, bottom, left, right) rows and columns of ``value`` around it."""
    top, bottom, left, right = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    out = xp.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    out[:, top:top + h, left:left + w] = x
    return out


def windows(xpad, kh, kw, out_hw, strides, dilations):
    """The (N, OH, OW, KH, KW, C) strided view ``v[n, i, j, a, b, c] = xpad[n, i*sh + a*dh, j*sw + b*dw, c]``:
    every window of the convolution, without a copy."""
    n, _, _, c = xpad.shape
    s_n, s_h, s_w, s_c = xpad.strides
    shape = (n, out_hw[0], out_hw[1], kh, kw, c)
    steps = (s_n, s_h * strides[1], s_w * strides[2], s_h * dilations[1], s_w * dilations[2], s_c)
    return strided_view(xpad, shape, steps)


def tap(array, a, b, out_hw, strides, dilations):
    """The positions of a padded NHWC ``array`` that filter tap (a, b) reads, one per output position: a
    strided slice (N, OH, OW, C), writable in place."""
    h0, w0 = a * dilations[1], b * dilations[2]
    return array[:, h0:h0 + strides[1] * (out_hw[0] - 1) + 1:strides[1],
                 w0:w0 + strides[2] * (out_hw[1] - 1) + 1:strides[2]]


#: Bytes of im2col rows made and multiplied at a time (at least one output row of one image). Measured on
#: LeNet's second layer (64x14x14x32 input, 5x5x32x64 filter, float32, one thread, CPU time): 15 ms for the
#: product in blocks of one or two images, against 22.5 ms for one 12544x800 matrix (40 MB, freshly paged in,
#: copied once to memory and read back from it by the product); the filter gradient takes the same 15 ms
#: either way, so the im2col matrix is made again there rather than kept from the forward pass.
BLOCK_BYTES = 1 << 20


def blocks(view):
    """Index tuples that split a (N, OH, OW, KH, KW, C) windows ``view`` into blocks of about BLOCK_BYTES of
    im2col rows: runs of whole images when one image fits, else runs of output rows of one image."""
    n, oh = view.shape[:2]
    row_bytes = max(1, view[:1, :1].size * view.itemsize)  # one output row of one image
    if oh * row_bytes <= BLOCK_BYTES:
        step = BLOCK_BYTES // max(1, oh * row_bytes)
        return [(slice(i, i + step),) for i in range(0, n, step)]
    step = max(1, BLOCK_BYTES // row_bytes)
    return [(slice(i, i + 1), slice(r, r + step)) for i in range(n) for r in range(0, oh, step)]


def im2col_blocks(view):
    """For each block of ``blocks(view)``: (its index, its im2col rows as a (rows, KH*KW*C) matrix). The rows
    are copied into one buffer, reused from block to block (the next block overwrites them).

    The copy keeps runs that are contiguous in the input contiguous in the buffer. With C channels a
    window's row (KW*C numbers) is such a run: the buffer holds the matrix row by row. With one channel (a
    grayscale image) that run is only KW numbers long, while each tap's values over a row of outputs are
    contiguous: the buffer then holds the transposed matrix, tap by tap, and the matrix handed out is its
    transposed view, which BLAS reads as it is. LeNet's first layer (64x28x28x1 input, 5x5x1x32 filter,
    float32, one thread): the convolution 1.5-1.9 ms instead of 2.2-3.2, its filter gradient 1.9-2.4
    instead of 2.5-3.9 (the same process, the two interleaved)."""
    k = view.shape[3] * view.shape[4] * view.shape[5]
    parts = blocks(view)
    buffer = xp.empty(max((view[index].size for index in parts), default=0), dtype=view.dtype)
    for index in parts:
        part = view[index]  # (images, rows, OW, KH, KW, C): the block's windows
        if view.shape[5] == 1:
            cols = buffer[:part.size].reshape(part.shape[3:] + part.shape[:3])
            cols[...] = part.transpose(3, 4, 5, 0, 1, 2)  # the one copy of each window
            yield index, cols.reshape(k, -1).T
        else:
            cols = buffer[:part.size].reshape(part.shape)
            cols[...] = part  # the one copy of each window
            yield index, cols.reshape(-1, k)


#: Groups of windows (``window_groups``) are multiplied apart only when they make at most this fraction of the
#: products of whole windows: each group costs its own products and copies, which the zeros it skips must
#: pay for. LeNet's layers (float32, one thread, CPU time, grouped and whole interleaved in one process on a
#: busy machine): the second (14x14, 5x5 SAME: 84% of the products in 25 groups) takes 5% less time forward,
#: 12% less for dL/dx and 5% less for dL/dw; the first (28x28x1: 92%), its groups' products too thin for
#: BLAS, took 20% more (it stays whole).
TRIM_BELOW = 0.875


def tap_runs(size, out, k, stride, dilation, before):
    """Along one axis of ``size`` real positions (``before`` padding ones first): runs of outputs whose windows
    have the same taps on real positions, as (first output, last + 1, first tap, last tap + 1). Output i's
    tap a reads padded position i*stride + a*dilation, real when before <= it < before + size."""
    runs = []  # [first output, last + 1, first tap, last tap + 1]
    for i in range(out):
        first = max(0, -(-(before - i * stride) // dilation))
        last = min(k, (before + size - 1 - i * stride) // dilation + 1)
        if runs and runs[-1][2:] == [first, last]:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1, first, last])
    return runs


def window_groups(x_shape, k_hw, pads, out_hw, strides, dilations):
    """The outputs in groups whose windows hold the same real (not padding) taps, as slices: (output rows,
    output columns, filter rows, filter columns). Padding puts the edges of a window on zeros; a group
    multiplies only its real taps. A group is a run of rows with the same taps (``tap_runs``) times a run
    of columns with the same taps; windows wholly in the padding are in no group (their outputs are 0).
    LeNet's second layer (14x14 outputs, 5x5 windows, 2 rows and columns of padding around): 25 groups, the
    largest the 10x10 windows inside, and 16% fewer products than every window whole."""
    rows, cols = (tap_runs(x_shape[axis], out_hw[axis - 1], k_hw[axis - 1], strides[axis], dilations[axis],
                           pads[2 * axis - 2]) for axis in (1, 2))
    groups = [(slice(i0, i1), slice(j0, j1), slice(a0, a1), slice(b0, b1))
              for i0, i1, a0, a1 in rows for j0, j1, b0, b1 in cols]
    groups = [g for g in groups if g[2].stop > g[2].start and g[3].stop > g[3].start]
    products = sum((r.stop - r.start) * (c.stop - c.start) * (a.stop - a.start) * (b.stop - b.start)
                   for r, c, a, b in groups)
    if products > TRIM_BELOW * out_hw[0] * out_hw[1] * k_hw[0] * k_hw[1]:  # not worth a product per group
        return [(slice(0, out_hw[0]), slice(0, out_hw[1]), slice(0, k_hw[0]), slice(0, k_hw[1]))]
    return groups


def group_windows(x, k_hw, pads, out_hw, strides, dilations):
    """Each group of ``window_groups`` with its (N, rows, columns, filter rows, filter columns, C) windows view.
    The groups' windows read only real positions: their views are views of ``x`` itself, starting at the
    group's first position. Only windows kept whole (one group: no padding, or too little to skip) are read
    from a padded copy of ``x``."""
    groups = window_groups(x.shape, k_hw, pads, out_hw, strides, dilations)
    if len(groups) == 1 and groups[0] == (slice(0, out_hw[0]), slice(0, out_hw[1]), slice(0, k_hw[0]),
                                          slice(0, k_hw[1])):
        return [(groups[0], windows(pad_spatial(x, pads), *k_hw, out_hw, strides, dilations))]
    views = []
    for rows, cols, taps_h, taps_w in groups:
        top = rows.start * strides[1] + taps_h.start * dilations[1] - pads[0]  # the group's first position
        left = cols.start * strides[2] + taps_w.start * dilations[2] - pads[2]
        view = windows(x[:, top:, left:], taps_h.stop - taps_h.start, taps_w.stop - taps_w.start,
                       (rows.stop - rows.start, cols.stop - cols.start), strides, dilations)
        views.append(((rows, cols, taps_h, taps_w), view))
    return views


def correlate(x, w, pads, out_hw, strides, dilations):
    """y[n, i, j, o] = sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o], ``xpad`` being
    ``x`` with ``pads`` around it: for each group of windows (``group_windows``), im2col of the group's real
    taps @ those taps of w as a matrix, block by block into its outputs."""
    kh, kw, c, o = w.shape
    groups = group_windows(x, (kh, kw), pads, out_hw, strides, dilations)
    whole = len(groups) == 1 and groups[0][0][:2] == (slice(0, out_hw[0]), slice(0, out_hw[1]))
    covered = sum(view.shape[1] * view.shape[2] for _, view in groups) == out_hw[0] * out_hw[1]
    y = (xp.empty if covered else xp.zeros)((x.shape[0], *out_hw, o), dtype=xp.result_type(x, w))
    products = None  # a block's outputs, before they are placed in y
    for (rows, cols, taps_h, taps_w), view in groups:
        w2 = w[taps_h, taps_w].reshape(-1, o)
        part = y[:, rows, cols]
        for index, patches in im2col_blocks(view):
            if whole:  # y's rows in order: the product goes straight into them
                xp.dot(patches, w2, out=y[index].reshape(-1, o))
            else:
                target = part[index]
                if products is None or products.size < target.size:
                    products = xp.empty(target.size, dtype=y.dtype)
                block = products[:target.size].reshape(-1, o)
                xp.dot(patches, w2, out=block)
                target[...] = block.reshape(target.shape)
    return y


def conv_forward(x, w, attrs):
    """y = conv2d(x, w): im2col(xpad) @ w, group by group of windows (``correlate``)."""
    kh, kw, c, o = w.shape
    if x.ndim != 4 or x.shape[3] != c:
        raise ValueError(f"input depth must be evenly divisible by filter depth: {x.shape[-1]} vs {c}")
    out_hw, pads = geometry(x.shape, kh, kw, attrs)
    return correlate(x, w, pads, out_hw, attrs["strides"], attrs["dilations"])


def conv_input_grad(dy, w, x_shape, attrs):
    """dL/dx of y = conv2d(x, w) for dL/dy = ``dy``. At stride 1, the correlation of dy (padded by the window
    less the forward padding) with the filter turned 180 degrees, its channel axes swapped; otherwise each
    tap's dy @ w[a, b]^T added where the tap read."""
    kh, kw, c, o = w.shape
    n, h, wid, _ = x_shape
    out_hw, pads = geometry(x_shape, kh, kw, attrs)
    if tuple(dy.shape[1:3]) != out_hw:
        axis = 1 if dy.shape[1] != out_hw[0] else 2
        raise ValueError(f"Conv2DSlowBackpropInput: Size of out_backprop doesn't match computed: actual = "
                         f"{dy.shape[axis]}, computed = {out_hw[axis - 1]} spatial_dim: {axis} input: "
                         f"{x_shape[axis]} filter: {w.shape[axis - 1]} output: {dy.shape[axis]} stride: "
                         f"{attrs['strides'][axis]} dilation: {attrs['dilations'][axis]}")
    strides, dilations = attrs["strides"], attrs["dilations"]
    top, bottom, left, right = pads
    span_h, span_w = (kh - 1) * dilations[1], (kw - 1) * dilations[2]  # a window's extent, less one
    full = (span_h - top, span_h - bottom, span_w - left, span_w - right)
    if strides[1] == strides[2] == 1 and min(full) >= 0:
        turned = w[::-1, ::-1].transpose(0, 1, 3, 2)
        return correlate(dy, turned, full, (h, wid), strides, dilations)
    dx = xp.zeros((n, h + top + bottom, wid + left + right, c), dtype=dy.dtype)
    dy2 = dy.reshape(-1, o)
    for a in range(kh):
        for b in range(kw):
            tap(dx, a, b, out_hw, strides, dilations)[...] += (dy2 @ w[a, b].T).reshape(n, out_hw[0], out_hw[1], c)
    if top or bottom or left or right:
        return xp.ascontiguousarray(dx[:, top:top + h, left:left + wid])
    return dx


def conv_filter_grad(x, dy, w_shape, attrs):
    """dL/dw of y = conv2d(x, w) = im2col(xpad) @ w: im2col(xpad)^T @ dL/dy, summed block by block; each group of
    windows (``window_groups``) adds to the taps it covers."""
    kh, kw, c, o = w_shape
    out_hw, pads = geometry(x.shape, kh, kw, attrs)
    strides, dilations = attrs["strides"], attrs["dilations"]
    dw = xp.zeros(w_shape, dtype=dy.dtype)
    for (rows, cols, taps_h, taps_w), view in group_windows(x, (kh, kw), pads, out_hw, strides, dilations):
        part, grads = dw[taps_h, taps_w], dy[:, rows, cols]
        total = xp.zeros((part.size // o, o), dtype=dy.dtype)
        for index, patches in im2col_blocks(view):
            total += patches.T @ grads[index].reshape(-1, o)
        part += total.reshape(part.shape)
    return dw
