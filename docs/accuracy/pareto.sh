#!/bin/sh
# explore's choices with and without MSE clipping in the heterogeneous space, at several maximum drops, minimising
# effective bits; one TSV line per choice on stdout (effective bits, accuracy, stored bytes, energy, trials).
# Usage: docs/accuracy/pareto.sh QSVIT MODEL BOUNDS SENSITIVITY [DATA]   (from the repository root)
set -eu
QSVIT=$1; MODEL=$2; BOUNDS=$3; SENSITIVITY=$4
DATA=${5:-examples/data/fashion-mnist-2000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BASE=uniform3,uniform4,uniform5,uniform6,uniform8,pow2-3,pow2-4,pow2-5
WITH=$BASE,uniform3:mse,uniform4:mse,uniform5:mse,uniform6:mse,pow2-3:mse,pow2-4:mse,pow2-5:mse
printf 'space\tmax_drop\teffective_bits\taccuracy\tfloat_accuracy\tstorage_bytes\tenergy_uj\ttrials\timages_evaluated\tsetting\n'
for drop in 0.005 0.01 0.02 0.04; do
  for space in base with_mse; do
    [ $space = base ] && list=$BASE || list=$WITH
    rm -rf "$WORK/out"
    $QSVIT explore --model "$MODEL" --data "$DATA" --bounds "$BOUNDS" --sensitivity "$SENSITIVITY" \
      --strategy heterogeneous --objective effective_bits --space "$list" --max-drop $drop --threads 2 \
      --out "$WORK/out" --no-cache --cache-dir "$WORK/cache" > /dev/null 2>&1
    printf '%s\t%s\t%s\n' $space $drop "$(jq -r '.results | [.chosen.effective_bits, .chosen.accuracy,
      .requirement.float_accuracy, .chosen.storage_bytes, .chosen.energy_microjoules, .trials, .images_evaluated,
      (.chosen.setting.groups | tostring)] | @tsv' "$WORK/out/metadata.json")"
  done
done
