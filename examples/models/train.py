#!/usr/bin/env python3
"""Train and export the reference spiking vision transformers of qsvit.

Two architectures, scaled to 28x28 Fashion-MNIST, keeping the structure of the papers' models:

  sdtv2       Spike-driven Transformer V2 (Meta-SpikeFormer) style: four stages; stages 1-2 are a
              downsampling conv plus conv-based SNN blocks (separable conv pw-dw-pw, then channel conv),
              stages 3-4 a downsampling conv plus transformer blocks with spike-driven self-attention
              (spike Q/K/V from 1x1 convs, linear attention Q(K^T V)) and a channel MLP.
  spikformer  Spikformer style: spiking patch splitting (conv stack with pooling and a relative position
              conv), then spiking self-attention blocks on linear Q/K/V plus an MLP.

Both use multi-step LIF neurons (tau 2, threshold 1, hard reset) over T timesteps of direct encoding.
Time is folded into the batch ([T*B, ...]) as in SpikingJelly's multi-step mode, so each weight tensor is
consumed by exactly one ONNX node. Training uses a sigmoid surrogate gradient; export replaces the spike
function by a plain threshold (GreaterOrEqual + Cast), so spike tensors are visible in the graph.

Export styles (the two the toolkit must read):
  node-paths         TorchScript exporter with constant folding: Conv+BN fused, module paths in node names
                     (/stage3/block1/attn/q/conv/Conv), initializers anonymous (onnx::Conv_123).
  initializer-paths  no constant folding: module paths in initializer names (blocks.0.attn.q.weight, Linear
                     weights behind a Transpose), and node names replaced by node_<Op>_<index>, the way the
                     dynamo exporter leaves them.

Runs on CPU with Debian's python3-torch 1.13 and on newer PyTorch with CUDA when a GPU is present.
Example:
  python3 examples/models/train.py --arch sdtv2 --out examples/models/sdtv2
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530  # Fashion-MNIST training-set pixel statistics, applied inside the graph
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


# ----------------------------------------------------------------------------------------------- neurons
class SigmoidSurrogateSpike(torch.autograd.Function):
    """Heaviside forward, derivative of sigmoid(alpha * x) backward."""
    alpha = 4.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(SigmoidSurrogateSpike.alpha * x)
        return grad * SigmoidSurrogateSpike.alpha * s * (1 - s)


class MultiStepLIF(nn.Module):
    """LIF neuron over T timesteps; input and output are [T*B, ...]."""
    exporting = False  # set by export(): plain threshold instead of the surrogate function

    def __init__(self, timesteps, tau=2.0, v_threshold=1.0):
        super().__init__()
        self.timesteps, self.tau, self.v_threshold = timesteps, tau, v_threshold

    def forward(self, x):
        seq = x.reshape(self.timesteps, -1, *x.shape[1:])
        v = torch.zeros_like(seq[0])
        spikes = []
        for t in range(self.timesteps):
            v = v + (seq[t] - v) / self.tau
            if MultiStepLIF.exporting:
                s = (v >= self.v_threshold).to(v.dtype)
            else:
                s = SigmoidSurrogateSpike.apply(v - self.v_threshold)
            v = v * (1.0 - s)
            spikes.append(s)
        return torch.stack(spikes).flatten(0, 1)



class ConvBN(nn.Module):
    def __init__(self, cin, cout, k=1, stride=1, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


# -------------------------------------------------------------------------------------- SDTv2-style model
class SepConv(nn.Module):
    """MobileNetV2-like separable conv of SDTv2: pointwise expand, depthwise, pointwise project."""

    def __init__(self, dim, timesteps, expansion=2, k=3):
        super().__init__()
        hidden = dim * expansion
        self.lif1 = MultiStepLIF(timesteps)
        self.pw1 = ConvBN(dim, hidden, 1)
        self.lif2 = MultiStepLIF(timesteps)
        self.dw = ConvBN(hidden, hidden, k, groups=hidden)
        self.pw2 = ConvBN(hidden, dim, 1)

    def forward(self, x):
        return self.pw2(self.dw(self.lif2(self.pw1(self.lif1(x)))))


class ChannelConv(nn.Module):
    def __init__(self, dim, timesteps, ratio=2):
        super().__init__()
        self.lif1 = MultiStepLIF(timesteps)
        self.conv1 = ConvBN(dim, dim * ratio, 3)
        self.lif2 = MultiStepLIF(timesteps)
        self.conv2 = ConvBN(dim * ratio, dim, 3)

    def forward(self, x):
        return self.conv2(self.lif2(self.conv1(self.lif1(x))))


class ConvBlock(nn.Module):
    def __init__(self, dim, timesteps):
        super().__init__()
        self.sepconv = SepConv(dim, timesteps)
        self.channel_conv = ChannelConv(dim, timesteps)

    def forward(self, x):
        x = x + self.sepconv(x)
        return x + self.channel_conv(x)


class SpikeDrivenSelfAttention(nn.Module):
    """SDSA of SDTv2: spike Q, K, V; attention Q (K^T V) without softmax, then a spiking projection."""

    def __init__(self, dim, heads, timesteps):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.lif_in = MultiStepLIF(timesteps)
        self.q, self.k, self.v = ConvBN(dim, dim), ConvBN(dim, dim), ConvBN(dim, dim)
        self.q_lif, self.k_lif, self.v_lif = (MultiStepLIF(timesteps) for _ in range(3))
        self.attn_lif = MultiStepLIF(timesteps, v_threshold=0.5)
        self.proj = ConvBN(dim, dim)

    def forward(self, x):
        n, c, h, w = x.shape
        x = self.lif_in(x)
        tokens = lambda t: t.flatten(2).reshape(n, self.heads, c // self.heads, h * w).transpose(2, 3)
        q, k, v = (tokens(lif(proj(x))) for lif, proj in
                   ((self.q_lif, self.q), (self.k_lif, self.k), (self.v_lif, self.v)))
        out = q @ (k.transpose(2, 3) @ v) * self.scale          # [n, heads, tokens, head_dim]
        out = out.transpose(2, 3).reshape(n, c, h, w)
        return self.proj(self.attn_lif(out))


class ChannelMLP(nn.Module):
    def __init__(self, dim, timesteps, ratio=4):
        super().__init__()
        self.lif1 = MultiStepLIF(timesteps)
        self.fc1 = ConvBN(dim, dim * ratio)
        self.lif2 = MultiStepLIF(timesteps)
        self.fc2 = ConvBN(dim * ratio, dim)

    def forward(self, x):
        return self.fc2(self.lif2(self.fc1(self.lif1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, dim, heads, timesteps):
        super().__init__()
        self.attn = SpikeDrivenSelfAttention(dim, heads, timesteps)
        self.mlp = ChannelMLP(dim, timesteps)

    def forward(self, x):
        x = x + self.attn(x)
        return x + self.mlp(x)


class Stage(nn.Module):
    """A downsampling conv followed by named blocks block1..blockN (QSViT assigns a precision to each)."""

    def __init__(self, downsample, blocks, spiking_input=True, timesteps=2):
        super().__init__()
        self.lif = MultiStepLIF(timesteps) if spiking_input else nn.Identity()
        self.downsample = downsample
        self.block_names = []
        for i, block in enumerate(blocks, 1):
            setattr(self, f"block{i}", block)
            self.block_names.append(f"block{i}")

    def forward(self, x):
        x = self.downsample(self.lif(x))
        for name in self.block_names:
            x = getattr(self, name)(x)
        return x


class SDTv2(nn.Module):
    def __init__(self, timesteps=2, dims=(16, 32, 64, 96), heads=4, num_classes=10):
        super().__init__()
        self.timesteps = timesteps
        T = timesteps
        # Stage 1's downsampling conv is the encoding layer: it sees analog pixels (MAC, not AC).
        self.stage1 = Stage(ConvBN(1, dims[0], 3, 2), [ConvBlock(dims[0], T)], spiking_input=False, timesteps=T)
        self.stage2 = Stage(ConvBN(dims[0], dims[1], 3, 2), [ConvBlock(dims[1], T)], timesteps=T)
        self.stage3 = Stage(ConvBN(dims[1], dims[2], 3, 2),
                            [TransformerBlock(dims[2], heads, T) for _ in range(2)], timesteps=T)
        self.stage4 = Stage(ConvBN(dims[2], dims[3], 3, 1), [TransformerBlock(dims[3], heads, T)], timesteps=T)
        self.head_lif = MultiStepLIF(T)
        self.head = nn.Linear(dims[3], num_classes)

    def forward(self, image):
        x = (image - MEAN) / STD
        x = x.unsqueeze(0).repeat(self.timesteps, 1, 1, 1, 1).flatten(0, 1)   # direct encoding, [T*B, ...]
        for stage in (self.stage1, self.stage2, self.stage3, self.stage4):
            x = stage(x)
        x = self.head_lif(x).mean((2, 3))
        x = self.head(x)
        return x.reshape(self.timesteps, -1, self.head.out_features).mean(0)


# --------------------------------------------------------------------------------- Spikformer-style model
class LinearBN(nn.Module):
    """Linear on tokens [N, L, D] followed by BatchNorm over D, as in Spikformer."""

    def __init__(self, din, dout):
        super().__init__()
        self.fc = nn.Linear(din, dout)
        self.bn = nn.BatchNorm1d(dout)

    def forward(self, x):
        return self.bn(self.fc(x).transpose(1, 2)).transpose(1, 2)


class SpikingSelfAttention(nn.Module):
    def __init__(self, dim, heads, timesteps):
        super().__init__()
        self.heads, self.scale = heads, 0.125
        self.q, self.k, self.v = LinearBN(dim, dim), LinearBN(dim, dim), LinearBN(dim, dim)
        self.q_lif, self.k_lif, self.v_lif = (MultiStepLIF(timesteps) for _ in range(3))
        self.attn_lif = MultiStepLIF(timesteps, v_threshold=0.5)
        self.proj = LinearBN(dim, dim)
        self.proj_lif = MultiStepLIF(timesteps)

    def forward(self, x):
        n, length, d = x.shape
        heads = lambda t: t.reshape(n, length, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = (heads(lif(lin(x))) for lif, lin in
                   ((self.q_lif, self.q), (self.k_lif, self.k), (self.v_lif, self.v)))
        out = (q @ k.transpose(2, 3) * self.scale) @ v            # spike-form attention, no softmax
        out = self.attn_lif(out.transpose(1, 2).reshape(n, length, d))
        return self.proj_lif(self.proj(out))


class SpikformerMLP(nn.Module):
    def __init__(self, dim, timesteps, ratio=4):
        super().__init__()
        self.fc1, self.lif1 = LinearBN(dim, dim * ratio), MultiStepLIF(timesteps)
        self.fc2, self.lif2 = LinearBN(dim * ratio, dim), MultiStepLIF(timesteps)

    def forward(self, x):
        return self.lif2(self.fc2(self.lif1(self.fc1(x))))


class SpikformerBlock(nn.Module):
    def __init__(self, dim, heads, timesteps):
        super().__init__()
        self.attn = SpikingSelfAttention(dim, heads, timesteps)
        self.mlp = SpikformerMLP(dim, timesteps)

    def forward(self, x):
        x = x + self.attn(x)
        return x + self.mlp(x)


class SpikingPatchSplitting(nn.Module):
    """Conv stack that turns the image into 7x7 spike tokens, plus a relative position conv."""

    def __init__(self, dim, timesteps):
        super().__init__()
        T = timesteps
        self.conv1, self.lif1 = ConvBN(1, dim // 4, 3), MultiStepLIF(T)
        self.conv2, self.lif2 = ConvBN(dim // 4, dim // 2, 3), MultiStepLIF(T)
        self.conv3, self.lif3 = ConvBN(dim // 2, dim, 3), MultiStepLIF(T)
        self.rpe, self.rpe_lif = ConvBN(dim, dim, 3), MultiStepLIF(T)

    def forward(self, x):
        x = F.max_pool2d(self.lif1(self.conv1(x)), 2)       # 28 -> 14
        x = F.max_pool2d(self.lif2(self.conv2(x)), 2)       # 14 -> 7
        x = self.lif3(self.conv3(x))
        x = x + self.rpe_lif(self.rpe(x))                    # relative position embedding
        return x.flatten(2).transpose(1, 2)                  # tokens [T*B, 49, dim]


class Spikformer(nn.Module):
    def __init__(self, timesteps=2, dim=64, heads=4, depth=2, num_classes=10):
        super().__init__()
        self.timesteps = timesteps
        self.patch_split = SpikingPatchSplitting(dim, timesteps)
        self.blocks = nn.ModuleList(SpikformerBlock(dim, heads, timesteps) for _ in range(depth))
        self.head = nn.Linear(dim, num_classes)

    def forward(self, image):
        x = (image - MEAN) / STD
        x = x.unsqueeze(0).repeat(self.timesteps, 1, 1, 1, 1).flatten(0, 1)
        x = self.patch_split(x)
        for block in self.blocks:
            x = block(x)
        x = self.head(x.mean(1))
        return x.reshape(self.timesteps, -1, self.head.out_features).mean(0)


ARCHITECTURES = {
    "sdtv2": dict(build=SDTv2, style="node-paths", opset=17),
    "spikformer": dict(build=Spikformer, style="initializer-paths", opset=13),
}


# ------------------------------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(root, split):
    images = read_idx(os.path.join(root, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


# --------------------------------------------------------------------------------------- train and test
def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


@torch.no_grad()
def predict(model, x, device, batch=500):
    model.eval()
    return torch.cat([model(x[i:i + batch].to(device)).argmax(1).cpu() for i in range(0, len(x), batch)])


def train(model, x, y, args, device):
    generator = torch.Generator().manual_seed(args.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(x) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        start, total, correct = time.time(), 0.0, 0
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            xb, yb = x[idx], y[idx]
            # light augmentation: random horizontal flip and +-2 pixel shifts (seeded)
            flip = torch.rand(len(idx), generator=generator) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            dx, dy = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
            xb = torch.roll(xb, shifts=(dy, dx), dims=(2, 3))
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=0.1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / len(x):.4f} "
              f"train-acc {correct / len(x):.4f} ({time.time() - start:.0f}s)", flush=True)


# ----------------------------------------------------------------------------------------------- export
def export(model, style, opset, path, timesteps, arch):
    import onnx
    model = model.cpu().eval()
    MultiStepLIF.exporting = True
    try:
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=opset,
                          input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=(style == "node-paths"))
    finally:
        MultiStepLIF.exporting = False
    proto = onnx.load(path)
    # the class dimension is static; say so, so readers need not run the model to learn it
    proto.graph.output[0].type.tensor_type.shape.dim[1].dim_value = len(CLASSES)
    if style == "initializer-paths":
        name_parameters_of_fused_convs(proto)
        for i, node in enumerate(proto.graph.node):
            node.name = f"node_{node.op_type}_{i}"
    meta = {"qsvit.architecture": arch, "qsvit.timesteps": str(timesteps), "qsvit.export_style": style,
            "qsvit.input": "image: float32 [batch,1,28,28], raw pixels in [0,1]; normalisation is in the graph",
            "qsvit.classes": json.dumps(CLASSES)}
    del proto.metadata_props[:]
    for key, value in meta.items():
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name, proto.doc_string = "qsvit examples/models/train.py", ""
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def name_parameters_of_fused_convs(proto):
    """Eval-mode export folds BatchNorm into Conv and leaves the fused tensors anonymous (onnx::Conv_12).
    The dynamo exporter names every parameter by its module path; do the same here (conv weight and bias
    named from the node's module path) so this model is a faithful example of that style."""
    renames, initializers = {}, {t.name for t in proto.graph.initializer}
    for node in proto.graph.node:
        if node.op_type == "Conv" and node.name.startswith("/"):
            module = ".".join(node.name.strip("/").split("/")[:-1])
            for index, suffix in ((1, "weight"), (2, "bias")):
                if index < len(node.input) and node.input[index] in initializers \
                        and node.input[index].startswith("onnx::"):
                    renames[node.input[index]] = f"{module}.{suffix}"
    for tensor in proto.graph.initializer:
        tensor.name = renames.get(tensor.name, tensor.name)
    for node in proto.graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renames.get(name, name)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", choices=sorted(ARCHITECTURES), required=True)
    p.add_argument("--out", required=True, help="output folder: model.onnx and MANIFEST.json")
    p.add_argument("--data", default=FASHION_MNIST, help="folder with the Fashion-MNIST IDX files")
    p.add_argument("--subset", type=int, default=2000, help="size of the bundled evaluation subset")
    p.add_argument("--timesteps", type=int, default=2)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=2504)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--resume", metavar="CHECKPOINT",
                   help="start from these weights (a checkpoint.pt) instead of a fresh initialisation: "
                        "retraining, as an automated flow does when new data arrives")
    p.add_argument("--export-only", action="store_true",
                   help="skip training: load <out>/checkpoint.pt from an earlier run and export it again")
    args = p.parse_args()

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    spec = ARCHITECTURES[args.arch]
    model = spec["build"](timesteps=args.timesteps).to(device)
    params = sum(p.numel() for p in model.parameters())
    print(f"{args.arch}: {params} parameters, T={args.timesteps}, device {device}", flush=True)

    x_train, y_train = load_split(args.data, "train")
    x_test, y_test = load_split(args.data, "t10k")
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "checkpoint.pt")   # committed: --export-only and bench_pytorch.py load it
    started = time.time()
    if args.export_only:
        model.load_state_dict(torch.load(checkpoint, map_location=device))
    else:
        if args.resume:
            model.load_state_dict(torch.load(args.resume, map_location=device))
        train(model, x_train, y_train, args, device)
        torch.save(model.state_dict(), checkpoint)
    train_seconds = time.time() - started

    pred = predict(model, x_test, device)
    acc_full = (pred == y_test).float().mean().item()
    acc_subset = (pred[:args.subset] == y_test[:args.subset]).float().mean().item()
    print(f"test accuracy {acc_full:.4f} (first {args.subset}: {acc_subset:.4f})", flush=True)

    onnx_path = os.path.join(args.out, "model.onnx")
    proto = export(model, spec["style"], spec["opset"], onnx_path, args.timesteps, args.arch)
    command = "python3 examples/models/train.py " + " ".join(sys.argv[1:])
    manifest = {
        "name": f"{args.arch}-fmnist",
        "architecture": args.arch,
        "file": "model.onnx",
        "sha256": sha256(onnx_path),
        "bytes": os.path.getsize(onnx_path),
        "parameters": params,
        "timesteps": args.timesteps,
        "opset": spec["opset"],
        "ir_version": proto.ir_version,
        "export_style": spec["style"],
        "input": {"name": "image", "shape": ["batch", 1, 28, 28], "dtype": "float32", "range": [0, 1]},
        "output": {"name": "logits", "shape": ["batch", 10]},
        "classes": CLASSES,
        "training": {"command": command, "seed": args.seed, "epochs": args.epochs, "batch": args.batch,
                     "resumed_from": sha256(args.resume) if args.resume else None,
                     "lr": args.lr, "torch": torch.__version__, "device": str(device),
                     "seconds": round(train_seconds)},
        "accuracy_pytorch": {"fashion_mnist_test_10000": round(acc_full, 4),
                             f"bundled_subset_{args.subset}": round(acc_subset, 4)},
    }
    manifest_path = os.path.join(args.out, "MANIFEST.json")
    if args.export_only and os.path.exists(manifest_path):
        keep_earlier_records(manifest, manifest_path)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(json.dumps(manifest, indent=2))


def keep_earlier_records(manifest, path):
    """A re-export keeps how the checkpoint was trained, and the ONNX Runtime accuracy if the file is unchanged."""
    with open(path) as f:
        earlier = json.load(f)
    manifest["training"] = earlier.get("training", manifest["training"])
    if earlier.get("sha256") == manifest["sha256"] and "accuracy_onnxruntime" in earlier:
        manifest["accuracy_onnxruntime"] = earlier["accuracy_onnxruntime"]


if __name__ == "__main__":
    main()
