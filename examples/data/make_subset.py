#!/usr/bin/env python3
"""Write the bundled evaluation subset: the first N Fashion-MNIST test images and labels, IDX + gzip.

Reads the files of Debian's dataset-fashion-mnist package and writes byte-identical output on every run
(gzip without name or timestamp). Example:
  python3 examples/data/make_subset.py --count 2000 --out examples/data/fashion-mnist-2000
"""
import argparse
import gzip
import hashlib
import json
import os

SOURCE = "/usr/share/datasets/fashion-mnist"


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def first_items(idx, count):
    """Keep the first `count` items of an IDX file, rewriting its leading dimension."""
    dims = idx[3]
    shape = [int.from_bytes(idx[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    if count > shape[0]:
        raise SystemExit(f"asked for {count} items, the file has {shape[0]}")
    item = 1
    for d in shape[1:]:
        item *= d
    header = idx[:4] + count.to_bytes(4, "big") + idx[8:4 + 4 * dims]
    return header + idx[4 + 4 * dims: 4 + 4 * dims + count * item]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default=SOURCE)
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = {"source": "Fashion-MNIST test set (Debian package dataset-fashion-mnist)",
                "selection": f"first {args.count} test items, in file order", "count": args.count, "files": {}}
    for kind in ("images-idx3", "labels-idx1"):
        name = f"t10k-{kind}-ubyte.gz"
        data = gzip.compress(first_items(read(os.path.join(args.source, name)), args.count), mtime=0)
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
    with open(os.path.join(args.out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
