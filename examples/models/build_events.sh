#!/usr/bin/env bash
# Rebuilds the event reference model from scratch: simulate the DVS saccade recordings of Fashion-MNIST (the
# 10,000 test images and the first 20,000 training images, unless they are there), train and export the model
# with PyTorch, copy the bundled subset, then record in the manifest the accuracy ONNX Runtime gives through
# qsvit (the figure the tests assert) on the bundled subset and on the full simulated test set. Needs Debian's python3-torch, python3-onnx and dataset-fashion-mnist.
#   examples/models/build_events.sh EVENTS_FOLDER [extra train_events.py options]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=$1; shift
out=examples/models/spikformer-dvs
subset=examples/data/fashion-mnist-dvs-200
python=/usr/bin/python3   # Debian's interpreter, where python3-torch is installed

if [ ! -f "$events/MANIFEST.json" ]; then
  "$python" examples/data/dvs_saccades.py --out "$events" --splits Test
  "$python" examples/data/dvs_saccades.py --out "$events" --splits Train --limit 20000
fi
"$python" examples/models/train_events.py --events "$events" --out "$out" --train-limit 20000 "$@"
"$python" examples/data/make_event_subset.py --events "$events" --per-class 20 --out "$subset"
mvn -B -q package -DskipTests
evaluate() { java -jar plugin/cli/target/qsvit.jar evaluate --model "$out/model.onnx" --data "$1" --json; }
bundled=$(evaluate "$subset")
full=$(evaluate "$events")
"$python" - "$out/MANIFEST.json" "$bundled" "$full" <<'PY'
import json, sys
path, bundled, full = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
manifest = json.load(open(path))
pick = lambda r: {"correct": r["correct"], "total": r["images"], "accuracy": round(r["accuracy"], 4)}
manifest["accuracy_onnxruntime"] = {"test_10000": pick(full), "bundled_subset_200": pick(bundled)}
with open(path, "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
print(json.dumps(manifest["accuracy_onnxruntime"], indent=2))
PY
