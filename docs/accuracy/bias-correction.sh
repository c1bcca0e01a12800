#!/bin/sh
# Accuracy of the real artifacts at one scheme everywhere, without and with apply --bias-correction (calibrated
# on 500 class-balanced images, seed 0, of the same 2000 bundled Fashion-MNIST test images), on both reference
# models; evaluated on all 2000. One TSV line per run on stdout; the last column says whether the simulated
# model scored exactly as the real one.
# Usage: docs/accuracy/bias-correction.sh [qsvit command] [data folder]   (from the repository root)
set -eu
QSVIT=${1:-"java -jar plugin/cli/target/qsvit.jar"}
DATA=${2:-examples/data/fashion-mnist-2000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'model\tscheme\tbias_correction\timages\tcorrect\taccuracy\tsimulated_equals_real\n'
for model in sdtv2 spikformer; do
  for scheme in uniform3 uniform4 pow2-3 pow2-4; do
    printf 'default: %s\n' $scheme > "$WORK/setting.yaml"
    for correction in off on; do
      extra=""
      [ $correction = on ] && extra="--bias-correction --calibration-data $DATA --calibration-limit 500"
      rm -rf "$WORK/out"
      $QSVIT apply --model examples/models/$model --setting "$WORK/setting.yaml" --out "$WORK/out" $extra \
        --no-cache --cache-dir "$WORK/cache" > /dev/null 2>&1
      for form in real simulated; do
        $QSVIT evaluate --model "$WORK/out/$form" --data "$DATA" --json --no-cache --cache-dir "$WORK/cache" \
          > "$WORK/$form.json" 2>/dev/null
      done
      same=$(jq -n --slurpfile r "$WORK/real.json" --slurpfile s "$WORK/simulated.json" '$r[0].correct == $s[0].correct')
      printf '%s\t%s\t%s\t%s\t%s\n' $model $scheme $correction \
        "$(jq -r '[.images, .correct, .accuracy] | @tsv' "$WORK/real.json")" "$same"
    done
  done
done
