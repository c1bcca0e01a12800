#!/usr/bin/env python3
"""Independent NumPy reference for qsvit's event readers and frame integration (used by FramesAgainstNumpyTest).

Reads one event file with NumPy, written from the formats' descriptions (not from qsvit's Java code), integrates
it into frames the way SpikingJelly's integrate_events_by_fixed_frames_number does (boolean window masks and
bincount), and writes the frames as raw little-endian float32 [T, 2, H, W].

  frames_reference.py FORMAT FILE T SPLIT SENSOR_W SENSOR_H W H OUT [START END]

FORMAT: nmnist | aedat2 | aedat31 | npy; SPLIT: number | time; START/END: a time window (DVS Gesture label row).
"""
import sys

import numpy as np


def read_nmnist(path):
    raw = np.fromfile(path, dtype=np.uint8).astype(np.int64)
    assert raw.size % 5 == 0
    x, y, b2 = raw[0::5], raw[1::5], raw[2::5]
    t = ((b2 & 127) << 16) | (raw[3::5] << 8) | raw[4::5]
    marker = y == 240
    t = t + np.cumsum(marker) * 2 ** 13            # each marker shifts itself and everything after it
    keep = ~marker
    return x[keep], y[keep], t[keep], b2[keep] >> 7


def skip_hash_lines(data, stop=None):
    pos = 0
    while pos < len(data) and data[pos:pos + 1] == b"#":
        end = data.index(b"\n", pos) + 1
        line = data[pos:end].strip()
        pos = end
        if stop is not None and line == stop:
            break
    return pos


def read_aedat2(path):
    data = open(path, "rb").read()
    body = np.frombuffer(data[skip_hash_lines(data):], dtype=">u4").astype(np.int64)
    address, t = body[0::2], body[1::2]
    column, row, p = (address >> 1) & 127, (address >> 8) & 127, address & 1
    return 127 - row, 127 - column, t, 1 - p


def read_aedat31(path):
    data = open(path, "rb").read()
    pos = skip_hash_lines(data, stop=b"#!END-HEADER")
    xs, ys, ts, ps = [], [], [], []
    while pos < len(data):
        head = np.frombuffer(data[pos:pos + 28], dtype="<i4")
        kind = np.frombuffer(data[pos:pos + 2], dtype="<u2")[0]
        size, ts_offset, overflow, capacity, number = (int(v) for v in head[1:6])
        start = pos + 28
        if kind == 1:
            events = np.frombuffer(data[start:start + number * size], dtype="<u4").reshape(number, size // 4)
            word = events[:, 0].astype(np.int64)
            valid = (word & 1) == 1
            xs.append(((word >> 17) & 0x7FFF)[valid])
            ys.append(((word >> 2) & 0x7FFF)[valid])
            ps.append(((word >> 1) & 1)[valid])
            ts.append((events[:, ts_offset // 4].astype(np.int64) + (overflow << 31))[valid])
        pos = start + capacity * size
    return tuple(np.concatenate(a) for a in (xs, ys, ts, ps))


def read_npy(path):
    a = np.load(path)
    return (a["x"].astype(np.int64), a["y"].astype(np.int64), a["t"].astype(np.int64),
            a["p"].astype(np.int64))


def frames_of(x, y, t, p, frames, split, sensor_w, sensor_h, w, h):
    n = len(t)
    j_l, j_r = np.zeros(frames, np.int64), np.zeros(frames, np.int64)
    if split == "number":
        di = n // frames
        j_l = np.arange(frames) * di
        j_r = j_l + di
    else:
        dt = (t[-1] - t[0]) // frames
        index = np.arange(n)
        for i in range(frames):
            lo = t[0] + dt * i
            inside = index[(t >= lo) & (t < lo + dt)]
            # SpikingJelly would fail on an empty window; qsvit gives an empty frame there
            j_l[i] = inside[0] if inside.size else np.searchsorted(t, lo)
            j_r[i] = inside[-1] + 1 if inside.size else j_l[i]
    j_r[-1] = n
    xs, ys = (x * w) // sensor_w, (y * h) // sensor_h
    out = np.zeros((frames, 2, h, w), np.float32)
    for i in range(frames):
        position = (p[j_l[i]:j_r[i]] != 0) * h * w + ys[j_l[i]:j_r[i]] * w + xs[j_l[i]:j_r[i]]
        out[i] = np.bincount(position, minlength=2 * h * w).reshape(2, h, w)
    return out


def main():
    fmt, path, frames, split, sensor_w, sensor_h, w, h, out = sys.argv[1:10]
    x, y, t, p = {"nmnist": read_nmnist, "aedat2": read_aedat2, "aedat31": read_aedat31, "npy": read_npy}[fmt](path)
    if len(sys.argv) > 10:
        keep = (t >= int(sys.argv[10])) & (t < int(sys.argv[11]))
        x, y, t, p = x[keep], y[keep], t[keep], p[keep]
    frames_of(x, y, t, p, int(frames), split, int(sensor_w), int(sensor_h), int(w), int(h)).astype("<f4").tofile(out)


if __name__ == "__main__":
    main()
