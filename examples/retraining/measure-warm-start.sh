#!/usr/bin/env bash
# Measures a warm-started `qsvit run` of a retrained model against a cold one (README, "Warm start").
# The release is the cold run of the bundled SDTv2 model; the retrained model is examples/models/sdtv2-retrained
# (train.py --resume, two more epochs). Cold and warm runs alternate (cold, warm, cold, warm, ...) so load from
# other processes hits both; each run gets a fresh cache, so every step is computed.
# Usage: examples/retraining/measure-warm-start.sh [TURNS] [WORK_DIR]   (from the repository root, jar built)
set -euo pipefail
turns=${1:-2}
work=${2:-$(mktemp -d)}
jar=${QSVIT_JAR:-plugin/cli/target/qsvit.jar}
config=examples/pipelines/retrain.yaml
data=examples/data/fashion-mnist-2000
mkdir -p "$work"
seconds() {  # runs the command, its output to $work/last.log; prints its wall time in seconds
  local start end
  start=$(date +%s%N); "$@" > "$work/last.log" 2>&1 || true; end=$(date +%s%N)
  printf '%d.%03d' $(( (end - start) / 1000000000 )) $(( (end - start) / 1000000 % 1000 ))
}
if [ ! -f "$work/release/apply/metadata.json" ]; then
  echo "release: cold run of the bundled SDTv2 model ($(seconds java -jar $jar --cache-dir "$work/cache-release" run \
    --model examples/models/sdtv2/model.onnx --data $data --config $config --out "$work/release") s)"
fi
for turn in $(seq 1 "$turns"); do
  for mode in cold warm; do
    out="$work/$mode-$turn"
    extra=(--release "$work/release")
    [ "$mode" = cold ] && extra+=(--cold)
    t=$(seconds java -jar $jar --cache-dir "$work/cache-$mode-$turn" run --model examples/models/sdtv2-retrained/model.onnx \
        --data $data --config $config --out "$out" "${extra[@]}")
    echo "$mode turn $turn: $t s, load $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -E '^(sensitivity|bounds|explore|apply|evaluate|gate) ' "$work/last.log" | sed 's/^/  /'
    grep -E '^(accuracy|memory|gate:)' "$work/last.log" | sed 's/^/  /'
  done
done
