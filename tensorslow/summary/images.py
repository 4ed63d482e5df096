"""Images for ``tf.summary.image``: TF's scaling of float images to bytes, and PNG encoding with zlib.

A PNG file is an 8-byte signature and three chunks (each: length, type, data, CRC-32 of type and data):
``IHDR`` (width, height, bit depth 8, colour type), ``IDAT`` (the zlib-compressed rows, each row
preceded by a filter byte, 0 = "no filter") and the empty ``IEND``. That is all TensorBoard needs.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

_COLOR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type: grey, RGB, RGBA
BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)  # TF's default for NaN/Inf pixels: opaque red


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a ``[height, width, channels]`` uint8 image (channels 1, 3 or 4)."""
    height, width, channels = image.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * channels)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes())) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A float ``[height, width, channels]`` image as TF's ImageSummary scales it to uint8.

    With no negative value, ``x * 255 / max``; with some negative value, ``x * 127 / max|x| + 128`` (0
    lands on 128). Min and max skip pixels with a NaN/Inf channel, which are painted ``BAD_COLOR``; a
    max below 1e-6 gives scale 0. The arithmetic is in the image's own float type, truncated to uint8.
    """
    dtype = image.dtype.type
    finite = np.isfinite(image).all(axis=-1)
    good = image[finite].astype(np.float32)
    lo = float(good.min()) if good.size else np.inf
    hi = float(good.max()) if good.size else -np.inf
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = (0.0 if top < 1e-6 else np.float32(127.0) / np.float32(top)), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else np.float32(255.0) / np.float32(hi)), 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = image * dtype(scale) + dtype(offset)
        out = np.clip(np.trunc(np.where(np.isfinite(scaled), scaled, 0)), 0, 255).astype(np.uint8)
    out[~finite] = BAD_COLOR[:image.shape[-1]]
    return out
