#!/usr/bin/env python3
"""Time a reference model's float evaluation in PyTorch eager mode: what a user would otherwise run.

Builds the model from train.py's definitions, loads <model-dir>/checkpoint.pt, and evaluates the images of an
IDX folder under torch.no_grad() in eval mode with a fixed number of threads. Before timing it checks that its
correct count equals the ONNX Runtime count in <model-dir>/MANIFEST.json (same model, same images), and stops
with exit code 1 if not. Exit code 3: PyTorch is not installed (the Java benchmark then reports a skip).

Standalone, it prints the median time of --repeats passes after a warm-up pass and images/s:
  /usr/bin/python3 examples/models/bench_pytorch.py --model-dir examples/models/sdtv2 --threads 2
With --serve, the Java benchmark (qsvit benchmark --suite evaluate --pytorch) interleaves its own runs with
ours: we print "ready <correct> <images>" after the check, then run one timed pass per "run" line on stdin
and answer "seconds <s>", until stdin closes.
"""
import argparse
import json
import os
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print(f"no PyTorch in {sys.executable}", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402  (the model definitions and the IDX reader)

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-2000")


def load_model(model_dir):
    with open(os.path.join(model_dir, "MANIFEST.json")) as f:
        manifest = json.load(f)
    model = train.ARCHITECTURES[manifest["architecture"]]["build"](timesteps=manifest["timesteps"])
    state = torch.load(os.path.join(model_dir, "checkpoint.pt"), map_location="cpu")
    model.load_state_dict(state)
    return model.eval(), manifest


def load_images(folder):
    images = train.read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    labels = train.read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype("float32") / 255.0).unsqueeze(1)
    return x, torch.from_numpy(labels.astype("int64"))


@torch.no_grad()
def evaluate(model, x, y, batch):
    """One pass over every image in batches; returns the number of correct top-1 predictions."""
    correct = 0
    for start in range(0, len(x), batch):
        correct += (model(x[start:start + batch]).argmax(1) == y[start:start + batch]).sum().item()
    return correct


def expected_correct(manifest, images):
    reference = manifest["accuracy_onnxruntime"].get(f"bundled_subset_{images}")
    if reference is None:
        print(f"the manifest has no reference count for {images} images", file=sys.stderr)
        sys.exit(1)
    return reference["correct"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-dir", required=True, help="folder with MANIFEST.json and checkpoint.pt")
    p.add_argument("--data", default=DEFAULT_DATA, help="IDX folder with t10k-images/labels (default: the bundled subset)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--serve", action="store_true", help="time one pass per 'run' line on stdin")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model, manifest = load_model(args.model_dir)
    x, y = load_images(args.data)
    correct = evaluate(model, x, y, args.batch)  # also the warm-up pass
    expected = expected_correct(manifest, len(x))
    if correct != expected:
        print(f"PyTorch gets {correct} of {len(x)} correct but the manifest says {expected}", file=sys.stderr)
        sys.exit(1)

    if args.serve:
        print(f"ready {correct} {len(x)}", flush=True)
        for line in sys.stdin:
            if line.strip() != "run":
                print(f"unknown request {line.strip()!r}", file=sys.stderr)
                sys.exit(2)
            start = time.perf_counter()
            evaluate(model, x, y, args.batch)
            print(f"seconds {time.perf_counter() - start:.6f}", flush=True)
        return

    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        evaluate(model, x, y, args.batch)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"PyTorch {torch.__version__} eager, {manifest['architecture']}: {correct} of {len(x)} correct "
          f"(manifest: {expected}), batch {args.batch}, {torch.get_num_threads()} threads")
    print(f"median {median:.3f} s over {args.repeats} passes after a warm-up: {len(x) / median:.0f} images/s")


if __name__ == "__main__":
    main()
