#!/bin/sh
# Accuracy of the real artifacts (integer codes + decode) at one scheme everywhere, for each scale rule, on
# both reference models and the bundled 2000 Fashion-MNIST test images; one TSV line per run on stdout.
# Usage: docs/accuracy/measure.sh [qsvit command] [data folder]   (from the repository root)
set -eu
QSVIT=${1:-"java -jar plugin/cli/target/qsvit.jar"}
DATA=${2:-examples/data/fashion-mnist-2000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'model\tscheme\timages\tcorrect\taccuracy\n'
for model in sdtv2 spikformer; do
  $QSVIT evaluate --model examples/models/$model --data "$DATA" --json --no-cache --cache-dir "$WORK/cache" \
    > "$WORK/float.json" 2>/dev/null
  printf '%s\tfloat32\t%s\n' $model "$(jq -r '[.images, .correct, .accuracy] | @tsv' "$WORK/float.json")"
  for scheme in uniform3 uniform4 pow2-3 pow2-4; do
    for rule in "" :mse :p99.9 :p99.99; do
      printf 'default: %s%s\n' $scheme "$rule" > "$WORK/setting.yaml"
      rm -rf "$WORK/out"
      $QSVIT apply --model examples/models/$model --setting "$WORK/setting.yaml" --out "$WORK/out" \
        --no-cache --cache-dir "$WORK/cache" > /dev/null 2>&1
      $QSVIT evaluate --model "$WORK/out/real" --data "$DATA" --json --no-cache --cache-dir "$WORK/cache" \
        > "$WORK/q.json" 2>/dev/null
      printf '%s\t%s%s\t%s\n' $model $scheme "$rule" "$(jq -r '[.images, .correct, .accuracy] | @tsv' "$WORK/q.json")"
    done
  done
done
