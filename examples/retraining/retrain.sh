#!/usr/bin/env bash
# A retraining flow with an OCI registry as the model store (README: "Registries, release gates, warm starts").
#
#   1. The registry holds what production runs: the float model (qsvit/sdtv2:1) and its quantized release
#      (qsvit/sdtv2-quantized:1, a whole `qsvit run` pushed as one artifact).
#   2. A retrained model arrives (qsvit/sdtv2:2: examples/models/sdtv2-retrained, two more epochs).
#   3. `qsvit run` pulls it, runs sensitivity -> bounds -> explore -> apply -> evaluate, warm-started from the
#      release, gates the new quantized model against the released one on the same images, and pushes and tags
#      it (qsvit/sdtv2-quantized:2) only if every gate passed. A failed gate exits 3 and pushes nothing.
#
# Usage (from the repository root):  examples/retraining/retrain.sh HOST:PORT [WORK_DIR]
# Environment: QSVIT (the command; default: java -jar plugin/cli/target/qsvit.jar), CONFIG (pipeline configuration;
# default: examples/pipelines/retrain.yaml), DATA (default: the bundled 2000 images), and the registry's
# settings as qsvit reads them: QSVIT_INSECURE_REGISTRIES, QSVIT_REGISTRY_CA, QSVIT_REGISTRY_USERNAME and
# QSVIT_REGISTRY_PASSWORD, or a Docker configuration file.
set -euo pipefail
registry=${1:?usage: retrain.sh HOST:PORT [WORK_DIR]}
work=${2:-$(mktemp -d)}
read -r -a qsvit <<< "${QSVIT:-java -jar plugin/cli/target/qsvit.jar}"
config=${CONFIG:-examples/pipelines/retrain.yaml}
data=${DATA:-examples/data/fashion-mnist-2000}
repo=oci://$registry/qsvit
mkdir -p "$work"

echo "== 1. what production runs: the float model and its quantized release"
"${qsvit[@]}" --cache-dir "$work/cache" push examples/models/sdtv2/model.onnx "$repo/sdtv2:1"
"${qsvit[@]}" --cache-dir "$work/cache" run --model "$repo/sdtv2:1" --data "$data" --config "$config" \
  --out "$work/v1" --push "$repo/sdtv2-quantized:1"

echo "== 2. a retrained model arrives"
"${qsvit[@]}" --cache-dir "$work/cache" push examples/models/sdtv2-retrained/model.onnx "$repo/sdtv2:2"

echo "== 3. re-quantize it, gate it against the release, push and tag it if it passes"
set +e
"${qsvit[@]}" --cache-dir "$work/cache" run --model "$repo/sdtv2:2" --data "$data" --config "$config" \
  --out "$work/v2" --release "$repo/sdtv2-quantized:1" --push "$repo/sdtv2-quantized:2"
status=$?
set -e
case $status in
  0) echo "retrain: released $repo/sdtv2-quantized:2" ;;
  3) echo "retrain: the release gate failed (see $work/v2/gate/report.md); $repo/sdtv2-quantized:1 stays the release" ;;
  *) echo "retrain: failed with exit code $status" ;;
esac
exit $status
