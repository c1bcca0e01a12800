#!/usr/bin/env python3
"""Train and export qsvit's event-camera reference model: a Spikformer-style spiking transformer whose input has a
time axis, in SpikeHQ's setting (event data integrated into T frames, one frame per timestep).

Data: the events examples/data/dvs_saccades.py simulates from Fashion-MNIST (N-MNIST's binary format, 34x34
sensor, <events>/Train/<class>/*.bin and <events>/Test/<class>/*.bin). Each recording is integrated into T frames
of equal event count as SpikingJelly does (split_by='number': frame i holds events [i*(N//T), (i+1)*(N//T)), the
last frame runs to the end), two polarity channels (0 = OFF, 1 = ON), counts per pixel.

Model (spikformer-dvs): the input [batch, T, 2, 34, 34] is made time-major and folded into the batch ([T*batch, 2,
34, 34]), so every LIF neuron sees T real timesteps of different input; spiking patch splitting (conv 2->16 on
34x34, pool, conv 16->32, pool, conv 32->64 on 8x8, a relative-position conv), two spiking self-attention blocks on
the 64 tokens, a linear head averaged over time. The first convolution sees event counts (not spikes): it is the
encoding layer. Neurons, surrogate gradient and export as in train.py (spikes are GreaterOrEqual + Cast in the
graph); exported with torch.onnx at op-set 17, TorchScript node names with module paths.

Reproducible: seeded, deterministic algorithms; the integrated frames are cached beside the events folder
(<events>.frames-T<T>-number-<train>-<test>.npz), derived data only. Example (the reference model):
  /usr/bin/python3 examples/models/train_events.py --events /tmp/fashion-mnist-dvs --out examples/models/spikformer-dvs \
      --train-limit 20000 --watch
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from train import (CLASSES, ConvBN, MultiStepLIF, SpikformerBlock, seed_everything, sha256)

SENSOR = 34


# ------------------------------------------------------------------------------------------------- data
def read_nmnist(path):
    """x, y, t, p of an N-MNIST-format file (no overflow markers: the simulated recordings last 300 ms)."""
    raw = np.fromfile(path, dtype=np.uint8).astype(np.int64)
    if raw.size % 5:
        raise ValueError(f"{path}: {raw.size} bytes is not a whole number of 5-byte events")
    raw = raw.reshape(-1, 5)
    t = ((raw[:, 2] & 0x7F) << 16) | (raw[:, 3] << 8) | raw[:, 4]
    return raw[:, 0], raw[:, 1], t, raw[:, 2] >> 7


def frames_by_number(x, y, p, frames):
    """SpikingJelly's split_by='number' integration into [frames, 2, H, W] counts."""
    n = len(x)
    step = n // frames
    out = np.zeros((frames, 2 * SENSOR * SENSOR), np.int64)
    for i in range(frames):
        lo, hi = i * step, (n if i == frames - 1 else (i + 1) * step)
        out[i] = np.bincount(p[lo:hi] * SENSOR * SENSOR + y[lo:hi] * SENSOR + x[lo:hi],
                             minlength=2 * SENSOR * SENSOR)
    if out.max() > 255:
        raise ValueError("more than 255 events of one polarity at one pixel in one frame")
    return out.reshape(frames, 2, SENSOR, SENSOR).astype(np.uint8)


def list_split(root, split):
    """(path, label, index) of every recording of a split, in the order of the source images."""
    items = []
    for label in range(len(CLASSES)):
        folder = os.path.join(root, split, str(label))
        for name in os.listdir(folder):
            if name.endswith(".bin"):
                items.append((os.path.join(folder, name), label, int(name[:-4])))
    return sorted(items, key=lambda item: item[2])


def load_frames(root, frames):
    splits = {split: list_split(root, split) for split in ("Train", "Test")}
    # beside the events folder, not in it: the folder stays the dataset qsvit digests
    cache = f"{os.path.normpath(root)}.frames-T{frames}-number-{len(splits['Train'])}-{len(splits['Test'])}.npz"
    if os.path.exists(cache):
        data = np.load(cache)
        return data["x_train"], data["y_train"], data["x_test"], data["y_test"]
    arrays = []
    for split, items in splits.items():
        x = np.stack([frames_by_number(*(lambda e: (e[0], e[1], e[3]))(read_nmnist(path)), frames)
                      for path, _, _ in items])
        arrays += [x, np.array([label for _, label, _ in items], np.int64)]
        print(f"{split}: {len(items)} recordings integrated into {frames} frames", flush=True)
    np.savez(cache + ".tmp.npz", x_train=arrays[0], y_train=arrays[1], x_test=arrays[2], y_test=arrays[3])
    os.replace(cache + ".tmp.npz", cache)
    return tuple(arrays)


def first_per_class(labels, count):
    """Indices of the first `count` recordings of each class, in index order: the bundled subset's selection."""
    seen, keep = {}, []
    for i, label in enumerate(labels):
        if seen.get(int(label), 0) < count:
            seen[int(label)] = seen.get(int(label), 0) + 1
            keep.append(i)
    return np.array(keep)


# ------------------------------------------------------------------------------------------------ model
class EventPatchSplitting(nn.Module):
    """Spiking patch splitting for 34x34 event frames: 4x4 spike tokens plus a relative position conv."""

    def __init__(self, dim, timesteps):
        super().__init__()
        T = timesteps
        self.conv1, self.lif1 = ConvBN(2, dim // 4, 3, stride=2), MultiStepLIF(T)
        self.conv2, self.lif2 = ConvBN(dim // 4, dim // 2, 3, stride=2), MultiStepLIF(T)
        self.conv3, self.lif3 = ConvBN(dim // 2, dim, 3), MultiStepLIF(T)
        self.rpe, self.rpe_lif = ConvBN(dim, dim, 3), MultiStepLIF(T)

    def forward(self, x):
        x = self.lif1(self.conv1(x))                         # 34 -> 17
        x = self.lif2(self.conv2(x))                         # 17 -> 9
        x = F.max_pool2d(self.lif3(self.conv3(x)), 2)        # 9 -> 4
        x = x + self.rpe_lif(self.rpe(x))
        return x.flatten(2).transpose(1, 2)                  # tokens [T*B, 16, dim]


class SpikformerDVS(nn.Module):
    def __init__(self, timesteps=4, dim=64, heads=4, depth=2, num_classes=10):
        super().__init__()
        self.timesteps = timesteps
        self.patch_split = EventPatchSplitting(dim, timesteps)
        self.blocks = nn.ModuleList(SpikformerBlock(dim, heads, timesteps) for _ in range(depth))
        self.head = nn.Linear(dim, num_classes)

    def forward(self, events):                               # [B, T, 2, H, W]
        x = events.transpose(0, 1).flatten(0, 1)             # time-major fold: [T*B, 2, H, W]
        x = self.patch_split(x)
        for block in self.blocks:
            x = block(x)
        x = self.head(x.mean(1))
        return x.reshape(self.timesteps, -1, self.head.out_features).mean(0)


# --------------------------------------------------------------------------------------- train and test
@torch.no_grad()
def predict(model, x, batch=500):
    model.eval()
    return torch.cat([model(torch.from_numpy(x[i:i + batch]).float()).argmax(1) for i in range(0, len(x), batch)])


def train(model, x, y, args, watch=None):
    generator = torch.Generator().manual_seed(args.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(x) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    labels = torch.from_numpy(y)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        start, total, correct = time.time(), 0.0, 0
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            xb, yb = torch.from_numpy(x[idx.numpy()]).float(), labels[idx]
            # light augmentation: +-2 pixel shifts of the whole recording (seeded)
            dx, dy = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
            xb = torch.roll(xb, shifts=(dy, dx), dims=(3, 4))
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=0.1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        seen = ""
        if watch is not None:                       # progress only: no randomness, BatchNorm statistics untouched
            seen = f" watch-acc {(predict(model, watch[0]).numpy() == watch[1]).mean():.4f}"
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / len(x):.4f} "
              f"train-acc {correct / len(x):.4f}{seen} ({time.time() - start:.0f}s)", flush=True)


def export(model, path, timesteps):
    import onnx
    model = model.cpu().eval()
    MultiStepLIF.exporting = True
    try:
        torch.onnx.export(model, torch.zeros(1, timesteps, 2, SENSOR, SENSOR), path, opset_version=17,
                          input_names=["events"], output_names=["logits"],
                          dynamic_axes={"events": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=True)
    finally:
        MultiStepLIF.exporting = False
    proto = onnx.load(path)
    proto.graph.output[0].type.tensor_type.shape.dim[1].dim_value = len(CLASSES)
    meta = {"qsvit.architecture": "spikformer-dvs", "qsvit.timesteps": str(timesteps),
            "qsvit.export_style": "node-paths",
            "qsvit.input": f"events: float32 [batch,{timesteps},2,{SENSOR},{SENSOR}], per-pixel event counts of "
                           f"{timesteps} frames of equal event count (SpikingJelly split_by='number'), "
                           "channel 0 OFF, 1 ON",
            "qsvit.classes": json.dumps(CLASSES)}
    del proto.metadata_props[:]
    for key, value in meta.items():
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name, proto.doc_string = "qsvit examples/models/train_events.py", ""
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", required=True, help="output folder of examples/data/dvs_saccades.py")
    p.add_argument("--out", required=True, help="output folder: model.onnx, checkpoint.pt and MANIFEST.json")
    p.add_argument("--frames", type=int, default=4, help="T: frames per recording, one per timestep")
    p.add_argument("--train-limit", type=int, default=0, help="train on the first N recordings (0 = all)")
    p.add_argument("--subset-per-class", type=int, default=20, help="the bundled subset: first N test per class")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=2412)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--watch", action="store_true", help="print the accuracy on the last 1,000 test recordings"
                   " after each epoch (progress only; it changes nothing)")
    p.add_argument("--export-only", action="store_true",
                   help="skip training: load <out>/checkpoint.pt from an earlier run and export it again")
    args = p.parse_args()

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    model = SpikformerDVS(timesteps=args.frames)
    params = sum(p.numel() for p in model.parameters())
    print(f"spikformer-dvs: {params} parameters, T={args.frames}", flush=True)

    x_train, y_train, x_test, y_test = load_frames(args.events, args.frames)
    if args.train_limit > 0:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "checkpoint.pt")
    started = time.time()
    if args.export_only:
        model.load_state_dict(torch.load(checkpoint))
    else:
        watch = (x_test[-1000:], y_test[-1000:]) if args.watch else None
        train(model, x_train, y_train, args, watch)
        torch.save(model.state_dict(), checkpoint)
    train_seconds = time.time() - started

    pred = predict(model, x_test).numpy()
    subset = first_per_class(y_test, args.subset_per_class)
    acc_full = float((pred == y_test).mean())
    acc_subset = float((pred[subset] == y_test[subset]).mean())
    print(f"test accuracy {acc_full:.4f} (bundled subset of {len(subset)}: {acc_subset:.4f})", flush=True)

    onnx_path = os.path.join(args.out, "model.onnx")
    proto = export(model, onnx_path, args.frames)
    manifest = {
        "name": "spikformer-dvs-fashion-mnist-dvs",
        "architecture": "spikformer-dvs",
        "file": "model.onnx",
        "sha256": sha256(onnx_path),
        "bytes": os.path.getsize(onnx_path),
        "parameters": params,
        "timesteps": args.frames,
        "opset": 17,
        "ir_version": proto.ir_version,
        "export_style": "node-paths",
        "input": {"name": "events", "shape": ["batch", args.frames, 2, SENSOR, SENSOR], "layout": "NTCHW",
                  "dtype": "float32", "frames": {"count": args.frames, "split_by": "number",
                                                 "channels": ["OFF", "ON"]}},
        "output": {"name": "logits", "shape": ["batch", 10]},
        "classes": CLASSES,
        "data": {"events": "examples/data/dvs_saccades.py (simulated DVS saccades over Fashion-MNIST)",
                 "train_recordings": int(len(x_train)), "test_recordings": int(len(x_test))},
        "training": {"command": "python3 examples/models/train_events.py " + " ".join(sys.argv[1:]),
                     "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                     "torch": torch.__version__, "device": "cpu", "threads": args.threads,
                     "seconds": round(train_seconds)},
        "accuracy_pytorch": {"test_10000": round(acc_full, 4),
                             f"bundled_subset_{len(subset)}": round(acc_subset, 4)},
    }
    manifest_path = os.path.join(args.out, "MANIFEST.json")
    if args.export_only and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            earlier = json.load(f)
        manifest["training"] = earlier.get("training", manifest["training"])
        if earlier.get("sha256") == manifest["sha256"] and "accuracy_onnxruntime" in earlier:
            manifest["accuracy_onnxruntime"] = earlier["accuracy_onnxruntime"]
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
