#!/usr/bin/env python3
"""Turn Fashion-MNIST into an event-camera dataset the way N-MNIST was recorded, and write it in N-MNIST's format.

N-MNIST (Orchard et al., "Converting static image datasets to spiking neuromorphic datasets using saccades",
Front. Neurosci. 2015) was made by showing each MNIST digit on a monitor to an ATIS sensor on a pan-tilt unit
that made three saccades, in the shape of a triangle, of about 100 ms each; the 34x34 sensor window leaves room
for the 28x28 image to move. This script simulates that recording for every Fashion-MNIST image:

  scene     the image on a monitor with a black level: intensity I = BLACK + (1 - BLACK) * pixel / 255, blurred
            by the optics (Gaussian, sigma OPTICS_SIGMA px), outside the image the black level;
  motion    three saccades along the triangle (1,5) -> (3,1) -> (5,5) -> (1,5) (image offset in sensor pixels),
            each SACCADE_US long with a raised-cosine velocity profile (start and stop at rest);
  pixel     a DVS pixel per sensor pixel on the log intensity L = ln I (bilinear sub-pixel sampling, simulated
            in steps of STEP_US with the crossing time interpolated inside a step): it fires an ON (OFF) event when
            L rises (falls) by its contrast threshold from its reference level; thresholds differ per pixel and
            per polarity (normal, mean THRESHOLD, sigma THRESHOLD_SIGMA: transistor mismatch, fixed for the
            simulated sensor, the same for every recording); after an event the pixel is held in reset for
            REFRACTORY_US and its reference is the level at release (changes during reset are lost);
  noise     background activity: independent Poisson events of random polarity, NOISE_HZ per pixel.

Output: <out>/Train/<class>/<index>.bin and <out>/Test/<class>/<index>.bin (class 0..9 as in Fashion-MNIST,
index the image's position in its IDX file, 5 digits), each event 40 bits as N-MNIST stores them: byte 0 x,
byte 1 y, byte 2 bit 7 polarity (1 = ON) and bits 6..0 the timestamp's bits 22..16, bytes 3-4 its bits 15..0
(microseconds, big-endian); events in time order. A recording lasts 3 x SACCADE_US = 300 ms, well below the
2^23 us the 23-bit timestamp holds, so no overflow marker is ever written.

Every random draw comes from a generator seeded by (--seed, split, image index), and the sensor's mismatch from
--seed alone, so the same arguments give byte-identical files in any order or chunking. Example (the dataset the
reference model trains on; about 15 minutes on one core):
  /usr/bin/python3 examples/data/dvs_saccades.py --out /tmp/fashion-mnist-dvs --splits Test,Train
"""
import argparse
import gzip
import hashlib
import json
import os
import sys
import time

import numpy as np

SOURCE = "/usr/share/datasets/fashion-mnist"
SENSOR = 34                   # N-MNIST's sensor window, pixels
IMAGE = 28
TRIANGLE = [(1.0, 5.0), (3.0, 1.0), (5.0, 5.0)]   # image offsets (x, y) in sensor pixels at the saccade ends
SACCADE_US = 100_000
STEP_US = 500
BLACK = 0.04                  # monitor black level relative to white
OPTICS_SIGMA = 0.5            # px
THRESHOLD = 0.3               # log-intensity contrast threshold (about 35% intensity change)
THRESHOLD_SIGMA = 0.03        # pixel-to-pixel mismatch of the threshold
MIN_THRESHOLD = 0.05
REFRACTORY_US = 1000
NOISE_HZ = 0.5                # background events per pixel and second
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SPLITS = {"Train": "train", "Test": "t10k"}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def blur(images, sigma):
    """Separable Gaussian blur of [B, H, W] with zero (black-level) borders kept by the caller's padding."""
    radius = max(1, int(np.ceil(3 * sigma)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    out = images
    for axis in (1, 2):
        padded = np.pad(out, [(0, 0)] + [(radius, radius) if a == axis else (0, 0) for a in (1, 2)])
        out = sum(w * np.take(padded, np.arange(i, i + out.shape[axis]), axis=axis) for i, w in enumerate(taps))
    return out


def trajectory(t_us):
    """Image offset (x, y) at time t: along the triangle's sides, raised-cosine profile within each saccade."""
    side = min(int(t_us // SACCADE_US), 2)
    s = (t_us - side * SACCADE_US) / SACCADE_US
    s = 0.5 - 0.5 * np.cos(np.pi * min(max(s, 0.0), 1.0))
    (x0, y0), (x1, y1) = TRIANGLE[side], TRIANGLE[(side + 1) % 3]
    return x0 + (x1 - x0) * s, y0 + (y1 - y0) * s


class Scene:
    """The blurred linear intensity of a batch of images on a margin of black level, sampled at sub-pixel offsets."""
    MARGIN = 8                # canvas pixels around the image: room for every offset on the 34-pixel sensor

    def __init__(self, pixels):
        linear = pixels.astype(np.float64) / 255.0
        canvas = np.pad(linear, [(0, 0), (self.MARGIN, self.MARGIN), (self.MARGIN, self.MARGIN)])
        self.canvas = BLACK + (1.0 - BLACK) * blur(canvas, OPTICS_SIGMA)

    def log_intensity(self, dx, dy):
        """L at every sensor pixel when the image's top-left corner sits at (dx, dy) on the sensor."""
        # sensor pixel u sees image coordinate u - dx, i.e. canvas coordinate u - dx + MARGIN
        fx, fy = self.MARGIN - dx, self.MARGIN - dy
        ix, iy = int(np.floor(fx)), int(np.floor(fy))
        ax, ay = fx - ix, fy - iy
        c = self.canvas
        grab = lambda oy, ox: c[:, iy + oy: iy + oy + SENSOR, ix + ox: ix + ox + SENSOR]
        value = ((1 - ay) * ((1 - ax) * grab(0, 0) + ax * grab(0, 1))
                 + ay * ((1 - ax) * grab(1, 0) + ax * grab(1, 1)))
        return np.log(value)


def sensor_thresholds(seed):
    rng = np.random.default_rng([seed, 0xD15])
    on, off = (np.maximum(rng.normal(THRESHOLD, THRESHOLD_SIGMA, (SENSOR, SENSOR)), MIN_THRESHOLD) for _ in "01")
    return on, off


def simulate(pixels, thresholds):
    """Events of each image of a batch, as lists of (t_us, x, y, p) arrays, before noise."""
    on, off = thresholds
    scene = Scene(pixels)
    batch = len(pixels)
    level = scene.log_intensity(*trajectory(0))
    reference = level.copy()
    blocked_until = np.full(level.shape, -1.0)       # end of the refractory period, us; -1 = free
    found = []
    steps = 3 * SACCADE_US // STEP_US
    for k in range(1, steps + 1):
        t0, t1 = (k - 1) * STEP_US, k * STEP_US
        previous, level = level, scene.log_intensity(*trajectory(t1))
        # pixels released from reset inside this step take the level at release as their reference
        released = (blocked_until >= 0) & (blocked_until <= t1)
        start = np.full(level.shape, float(t0))
        start_level = previous.copy()
        if released.any():
            frac = (blocked_until[released] - t0) / STEP_US
            at_release = previous[released] + frac * (level[released] - previous[released])
            reference[released] = at_release
            start[released] = blocked_until[released]
            start_level[released] = at_release
            blocked_until[released] = -1.0
        free = blocked_until < 0
        delta = level - reference
        fire_on = free & (delta >= on)
        fire_off = free & (-delta >= off)
        fired = fire_on | fire_off
        if not fired.any():
            continue
        b, y, x = np.nonzero(fired)
        target = reference[b, y, x] + np.where(fire_on[b, y, x], on[y, x], -off[y, x])
        span = level[b, y, x] - start_level[b, y, x]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(span != 0, (target - start_level[b, y, x]) / span, 1.0)
        t = start[b, y, x] + np.clip(frac, 0.0, 1.0) * (t1 - start[b, y, x])
        found.append((b, np.rint(t).astype(np.int64), x, y, fire_on[b, y, x].astype(np.int64)))
        blocked_until[b, y, x] = t + REFRACTORY_US
    per_image = [[] for _ in range(batch)]
    if found:
        b, t, x, y, p = (np.concatenate(parts) for parts in zip(*found))
        order = np.argsort(b, kind="stable")
        b, t, x, y, p = b[order], t[order], x[order], y[order], p[order]
        bounds = np.searchsorted(b, np.arange(batch + 1))
        for i in range(batch):
            lo, hi = bounds[i], bounds[i + 1]
            per_image[i] = (t[lo:hi], x[lo:hi], y[lo:hi], p[lo:hi])
    else:
        per_image = [tuple(np.zeros(0, np.int64) for _ in range(4)) for _ in range(batch)]
    return per_image


def with_noise(events, rng):
    t, x, y, p = events
    duration = 3 * SACCADE_US
    count = rng.poisson(NOISE_HZ * SENSOR * SENSOR * duration / 1e6)
    noise = (rng.integers(0, duration, count), rng.integers(0, SENSOR, count),
             rng.integers(0, SENSOR, count), rng.integers(0, 2, count))
    t, x, y, p = (np.concatenate([a, n]) for a, n in zip((t, x, y, p), noise))
    order = np.lexsort((x, y, t))                      # time, then row, then column: a total, stable order
    return t[order], x[order], y[order], p[order]


def encode(events):
    """N-MNIST's 40-bit events: x, y, polarity bit 7 + timestamp bits 22..16, timestamp bits 15..0."""
    t, x, y, p = events
    if len(t) and (t.min() < 0 or t.max() >= 1 << 23):
        raise ValueError("timestamp outside the 23 bits N-MNIST stores without overflow markers")
    out = np.empty((len(t), 5), np.uint8)
    out[:, 0] = x
    out[:, 1] = y
    out[:, 2] = (p << 7) | ((t >> 16) & 0x7F)
    out[:, 3] = (t >> 8) & 0xFF
    out[:, 4] = t & 0xFF
    return out.tobytes()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default=SOURCE, help="folder with the Fashion-MNIST IDX files")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=2412)
    p.add_argument("--splits", default="Test,Train", help="which splits, in this order (a later run adds to the manifest)")
    p.add_argument("--limit", type=int, default=0, help="only the first N images of each split (0 = all)")
    p.add_argument("--batch", type=int, default=500, help="images simulated together (memory, not results)")
    p.add_argument("--resume", action="store_true",
                   help="keep the files of batches an interrupted run with the same arguments finished")
    args = p.parse_args()

    thresholds = sensor_thresholds(args.seed)
    manifest = {"source": "Fashion-MNIST (Debian package dataset-fashion-mnist), simulated DVS saccades",
                "format": "N-MNIST binary: 5 bytes per event (x, y, p<<7 | t[22:16], t[15:8], t[7:0]), t in us",
                "sensor": [SENSOR, SENSOR], "classes": CLASSES,
                "simulation": {"triangle_offsets_px": TRIANGLE, "saccade_us": SACCADE_US, "step_us": STEP_US,
                               "black_level": BLACK, "optics_sigma_px": OPTICS_SIGMA, "threshold": THRESHOLD,
                               "threshold_sigma": THRESHOLD_SIGMA, "refractory_us": REFRACTORY_US,
                               "noise_hz_per_pixel": NOISE_HZ, "seed": args.seed},
                "splits": {}}
    manifest_path = os.path.join(args.out, "MANIFEST.json")
    if os.path.exists(manifest_path):                # splits made by an earlier run with the same settings stay
        with open(manifest_path) as f:
            earlier = json.load(f)
        if earlier.get("simulation") == json.loads(json.dumps(manifest["simulation"])):
            manifest["splits"] = earlier.get("splits", {})
    for split in args.splits.split(","):
        prefix = SPLITS[split]
        images = read_idx(os.path.join(args.source, f"{prefix}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(args.source, f"{prefix}-labels-idx1-ubyte.gz"))
        count = len(images) if args.limit <= 0 else min(args.limit, len(images))
        for c in range(len(CLASSES)):
            os.makedirs(os.path.join(args.out, split, str(c)), exist_ok=True)
        digest, events_total, started = hashlib.sha256(), 0, time.time()
        for lo in range(0, count, args.batch):
            hi = min(lo + args.batch, count)
            paths = [os.path.join(args.out, split, str(labels[i]), f"{i:05d}.bin") for i in range(lo, hi)]
            if args.resume and all(os.path.exists(path) for path in paths):
                recorded = []                        # written by an interrupted run: same arguments, same bytes
                for path in paths:
                    with open(path, "rb") as f:
                        recorded.append(f.read())
            else:
                recorded = None
            for i, path in zip(range(lo, hi), paths):
                if recorded is None:
                    if i == lo:
                        simulated = simulate(images[lo:hi], thresholds)
                    rng = np.random.default_rng([args.seed, 1 if split == "Train" else 2, i])
                    data = encode(with_noise(simulated[i - lo], rng))
                    with open(path + ".tmp", "wb") as f:
                        f.write(data)
                    os.replace(path + ".tmp", path)
                else:
                    data = recorded[i - lo]
                events_total += len(data) // 5
                digest.update(data)
            print(f"{split}: {hi}/{count} images, {events_total / hi:.0f} events per image, "
                  f"{time.time() - started:.0f}s", flush=True)
        manifest["splits"][split] = {"command": "examples/data/dvs_saccades.py " + " ".join(sys.argv[1:]),
                                     "images": count, "events": events_total,
                                     "sha256_of_files_in_index_order": digest.hexdigest()}
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.replace(manifest_path + ".tmp", manifest_path)


if __name__ == "__main__":
    main()
