#!/usr/bin/env bash
# Rebuilds one reference model from scratch: train and export it with PyTorch, then record in its manifest the
# accuracy ONNX Runtime gives through qsvit (the figure the tests assert), on the bundled subset and on the
# full Fashion-MNIST test set. Needs Debian's python3-torch, python3-onnx and dataset-fashion-mnist.
#   examples/models/build.sh sdtv2 [extra train.py options]
set -euo pipefail
cd "$(dirname "$0")/../.."
arch=$1; shift
out=examples/models/$arch
python=/usr/bin/python3   # Debian's interpreter, where python3-torch is installed

"$python" examples/models/train.py --arch "$arch" --out "$out" "$@"
mvn -B -q package -DskipTests
evaluate() { java -jar plugin/cli/target/qsvit.jar evaluate --model "$out/model.onnx" --data "$1" --json; }
subset=$(evaluate examples/data/fashion-mnist-2000)
full=$(evaluate /usr/share/datasets/fashion-mnist)
"$python" - "$out/MANIFEST.json" "$subset" "$full" <<'PY'
import json, sys
path, subset, full = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
manifest = json.load(open(path))
pick = lambda r: {"correct": r["correct"], "total": r["images"], "accuracy": round(r["accuracy"], 4)}
manifest["accuracy_onnxruntime"] = {"fashion_mnist_test_10000": pick(full), "bundled_subset_2000": pick(subset)}
with open(path, "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
print(json.dumps(manifest["accuracy_onnxruntime"], indent=2))
PY
