#!/usr/bin/env bash
# Regenerates models/digits.onnx from scratch and measures it on voices it never heard:
#   0. training/sphinx/convert.py: models/zh-digits-hmm, the Mandarin second reading converted
#      from CMU Sphinx's tdt_sc_8k in the shared data (seconds; the evaluation uses it);
#   1. voices.py: the table of real voices and the four folds that hold whole voices out
#      (training/speech/voices.json, read by the evaluation too);
#   2. prepare.py: one clip bank for every run (real voices with their variants, TTS, codecs);
#   3. train.py --fold K for each fold: a model that never heard fold K's voices, once with STEPS
#      and once with PAIR_STEPS steps (training/work/runs/s<steps>/foldK);
#   4. train.py on every voice, at both lengths (training/work/runs/s<steps>/all);
#   5. ensemble-onnx.py: each pair of runs as one file whose two networks the service scores
#      apart and averages: models/digits.onnx (the shipped model) and
#      training/work/folds/foldK/digits.onnx (fold K's model);
#   6. `livecheck eval speech --folds`: each fold model on its held-out voices, at a threshold
#      chosen on the other folds' voices; writes docs/evaluation/speech/ and prints the 2% point
#      over all held-out readings, which is what digits.minMargin in src/config/thresholds.ts
#      should be set to (by hand, with the figure, so a retrain never moves it silently).
# Every run has a fixed number of steps (STEPS or PAIR_STEPS) and keeps its last step: no
# checkpoint is picked.
# Run it again after an interruption: finished runs are kept and the others resume.
# Needs Debian packages (docs/speech.md): python3-torch python3-torchaudio libopenblas0-pthread
# gcin-voice asterisk-core-sounds-en-wav asterisk-core-sounds-en (the prompts' transcript) flite
# espeak-ng sox rubberband-cli ffmpeg, the shared data (../shared/data or LIVECHECK_SHARED_DATA)
# and `npm ci` (for the evaluation).
# Knobs: SCALE (variants and TTS, 1.0 = full), STEPS (per run), PAIR_STEPS (steps of each
# run's partner, default 20000; "" ships single models of STEPS), PARALLEL (runs at once),
# FOLDS (which folds to train, e.g. "0 1 2 3"; "" skips them), SHIPPED=0 (fold models only,
# models/digits.onnx untouched), EXCLUDE_VOICES (comma-separated
# voice ids left out of every run, e.g. the GPL-licensed ones, see models/MODEL_CARD.md), NICE
# (scheduling priority of the Python runs, default 10).
# One torch thread per run: on the shared 2-core machine two threads per run were slower.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/training/work"
scale="${SCALE:-1.0}"
steps="${STEPS:-10000}"
pair_steps="${PAIR_STEPS-20000}"
parallel="${PARALLEL:-2}"
shipped="${SHIPPED:-1}"
folds="${FOLDS-0 1 2 3}"
exclude="${EXCLUDE_VOICES:-}"
niceness="${NICE:-10}"
py=/usr/bin/python3
mkdir -p "$work/folds" "$work/runs"
cd "$here"
start=$(date +%s)
shared="${LIVECHECK_SHARED_DATA:-$repo/../shared/data}"
"$py" "$repo/training/sphinx/convert.py" --model "$shared/models/pocketsphinx_zh_tdt_sc_8k" --out "$repo/models/zh-digits-hmm"
"$py" voices.py
# The bank is rebuilt unless one made by the same scripts, voice table and SCALE exists.
stamp="$work/bank.stamp"
want="$(cat prepare.py voices.json tokens.py | sha256sum | cut -c1-16) scale=$scale"
if [ -f "$work/bank.pt" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "reusing $work/bank.pt ($want)"
else
  nice -n "$niceness" "$py" prepare.py --out "$work/bank.pt" --scale "$scale" | tee "$work/prepare.log"
  echo "$want" > "$stamp"
fi

# A run stopped part-way (a session or machine that ended) resumes from its last checkpoint, and
# a finished one is kept, when the training code, the bank and the run's arguments are those it
# was started with (run.stamp); anything else starts afresh.
run() { # fold (-1: every voice), work folder, steps
  local dir="$2" steps="$3" want resume=()
  want="$(cat train.py mixer.py model.py tokens.py | sha256sum | cut -c1-16) bank=$(cat "$stamp") steps=$steps exclude=$exclude"
  mkdir -p "$dir"
  if [ "$(cat "$dir/run.stamp" 2>/dev/null)" = "$want" ]; then
    if [ -f "$dir/digits.onnx" ]; then echo "kept $dir/digits.onnx"; return; fi
    [ -f "$dir/checkpoint.pt" ] && resume=(--resume "$dir/checkpoint.pt")
  else
    rm -f "$dir/checkpoint.pt" "$dir/digits.onnx" "$dir/train.log"
    echo "$want" > "$dir/run.stamp"
  fi
  nice -n "$niceness" "$py" train.py --bank "$work/bank.pt" --work "$dir" --steps "$steps" --fold "$1" \
    --exclude "$exclude" --save-every 250 "${resume[@]}" >> "$dir/train.log" 2>&1
  tail -n 1 "$dir/train.log"
}
jobs_running() { jobs -rp | wc -l; }
# The shipped model (-1) goes second, so it is ready early; then the remaining folds.
first="${folds%% *}"
order="$first -1 ${folds#"$first"}"
[ "$shipped" = 1 ] || order="$folds"
# Every run in a folder named for its steps (runs/s10000/fold0, runs/s20000/all, ...): the
# PAIR_STEPS partners after all the STEPS runs.
for s in "$steps" $pair_steps; do
  for k in $order; do
    while [ "$(jobs_running)" -ge "$parallel" ]; do sleep 10; done
    if [ "$k" = -1 ]; then run -1 "$work/runs/s$s/all" "$s" & else run "$k" "$work/runs/s$s/fold$k" "$s" & fi
  done
done
wait
# What the service loads and what the evaluation scores: the pair of runs in one file.
ship() { # run name (all, fold0, ...), output file
  mkdir -p "$(dirname "$2")"
  if [ -n "$pair_steps" ]; then
    "$py" ensemble-onnx.py "$work/runs/s$steps/$1/digits.onnx" "$work/runs/s$pair_steps/$1/digits.onnx" "$2"
  else
    cp "$work/runs/s$steps/$1/digits.onnx" "$2"
  fi
}
if [ "$shipped" = 1 ]; then
  ship all "$repo/models/digits.onnx"
  echo "wrote $repo/models/digits.onnx after $(( ($(date +%s) - start) / 60 )) min"
fi
if [ -n "$folds" ]; then
  for k in $folds; do ship "fold$k" "$work/folds/fold$k/digits.onnx"; done
  cd "$repo"
  npm run --silent build
  node bin/livecheck.js eval speech --folds "$work/folds" --out docs/evaluation/speech
fi
echo "done after $(( ($(date +%s) - start) / 60 )) min"
