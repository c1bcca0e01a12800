#!/bin/sh
# Observed vs paired acceptance, searching on the first 500 images in racing order and checking the choice on
# the other 1500; one TSV line per acceptance rule on stdout.
# Usage: docs/accuracy/heldout.sh QSVIT MODEL BOUNDS SENSITIVITY [MAX_DROP] [DATA]   (from the repository root)
set -eu
QSVIT=$1; MODEL=$2; BOUNDS=$3; SENSITIVITY=$4
DROP=${5:-0.01}
DATA=${6:-examples/data/fashion-mnist-2000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'acceptance\tsearch_float\tsearch_chosen\tsearch_drop_upper95\theld_images\theld_float\theld_chosen\theld_drop\theld_drop_upper95\theld_met\teffective_bits\tstorage_bytes\n'
for acceptance in observed paired; do
  rm -rf "$WORK/out"
  $QSVIT explore --model "$MODEL" --data "$DATA" --bounds "$BOUNDS" --sensitivity "$SENSITIVITY" \
    --strategy heterogeneous --objective stored_bytes --max-drop "$DROP" --acceptance $acceptance --holdout 1500 \
    --racing off --probe-images 500 --threads 2 --out "$WORK/out" --no-cache --cache-dir "$WORK/cache" > /dev/null 2>&1
  printf '%s\t%s\n' $acceptance "$(jq -r '.results | [.requirement.float_accuracy, .chosen.accuracy,
    (.paired_drop.drop_upper_bound // "-"), .holdout.images, .holdout.float_accuracy, .holdout.chosen_accuracy,
    .holdout.paired_drop.drop, .holdout.paired_drop.drop_upper_bound, .holdout.requirement_met,
    .chosen.effective_bits, .chosen.storage_bytes] | @tsv' "$WORK/out/metadata.json")"
done
