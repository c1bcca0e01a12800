#!/usr/bin/env python3
"""Write the bundled event subset: the first N test recordings of each class of the simulated Fashion-MNIST DVS
dataset (examples/data/dvs_saccades.py), copied byte for byte in its layout, one folder per class.

The selection is by image index within each class (the order of the Fashion-MNIST test file), the same one
examples/models/train_events.py scores as the "bundled subset". Example:
  /usr/bin/python3 examples/data/make_event_subset.py --events /tmp/fashion-mnist-dvs --per-class 20 \\
      --out examples/data/fashion-mnist-dvs-200
"""
import argparse
import hashlib
import json
import os
import shutil


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", required=True, help="output folder of dvs_saccades.py")
    p.add_argument("--per-class", type=int, default=20)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    with open(os.path.join(args.events, "MANIFEST.json")) as f:
        source = json.load(f)
    classes = source["classes"]
    digest, count, events = hashlib.sha256(), 0, 0
    for label in range(len(classes)):
        folder = os.path.join(args.events, "Test", str(label))
        names = sorted((n for n in os.listdir(folder) if n.endswith(".bin")), key=lambda n: int(n[:-4]))
        if len(names) < args.per_class:
            raise SystemExit(f"class {label} has {len(names)} test recordings, fewer than {args.per_class}")
        os.makedirs(os.path.join(args.out, str(label)), exist_ok=True)
        for name in names[:args.per_class]:
            target = os.path.join(args.out, str(label), name)
            shutil.copyfile(os.path.join(folder, name), target)
            with open(target, "rb") as f:
                data = f.read()
            digest.update(f"{label}/{name}:".encode() + data)
            count += 1
            events += len(data) // 5
    manifest = {"source": "simulated DVS saccades over the Fashion-MNIST test set (examples/data/dvs_saccades.py)",
                "selection": f"first {args.per_class} test recordings of each class, by image index",
                "count": count, "events": events, "format": source["format"], "sensor": source["sensor"],
                "classes": classes, "simulation": source["simulation"],
                "sha256_of_class_and_name_and_bytes_in_order": digest.hexdigest()}
    with open(os.path.join(args.out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
