#!/usr/bin/env bash
# Regenerates models/digits.onnx from scratch in two phases (about 2 hours on the 2-core machine):
#   1. clip bank without the evaluation voice (gcin voice 3), time-bounded training, ONNX export:
#      training/work/digits.heldout.onnx, the model `livecheck eval speech` figures come from;
#   2. the same bank plus gcin voice 3 (prepare.py --from-bank --include-held-out rebuilds only
#      the gcin part), a short fine-tune resumed from phase 1: training/work/digits.all.onnx.
#      It has seen the evaluation voice, so its gcin figures are not held-out figures.
# SHIP=heldout (default) copies the phase 1 model to models/digits.onnx, SHIP=all the phase 2
# one. On 2026-11-27 phase 2 reached 97% on voice 3 (seen) but fell from 98.7% to 88% on the
# held-out English speaker, so the held-out model is shipped (see models/MODEL_CARD.md).
# Needs Debian packages (see docs/speech.md): python3-torch python3-torchaudio gcin-voice
# asterisk-core-sounds-en-wav flite espeak-ng sox rubberband-cli ffmpeg, and FSDD in ../shared/data.
# Knobs: SCALE (fraction of synthetic clips, 1.0 = full), MINUTES (phase 1 training wall time),
# FINETUNE_MINUTES (phase 2; 0 skips it), SHIP (heldout or all).
# One torch thread, nice: on the shared 2-core machine 2 threads ran 5x slower.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/training/work"
data="${LIVECHECK_SHARED_DATA:-$repo/../shared/data}"
scale="${SCALE:-0.4}"
minutes="${MINUTES:-75}"
finetune="${FINETUNE_MINUTES:-15}"
ship="${SHIP:-heldout}"
py=/usr/bin/python3
mkdir -p "$work/heldout" "$work/all"
cd "$here"
# Phase 1: voice 3 held out.
nice -n 10 "$py" prepare.py --fsdd "$data/speech/fsdd" --out "$work/bank.pt" --scale "$scale" | tee "$work/prepare.log"
nice -n 10 "$py" train.py --bank "$work/bank.pt" --work "$work/heldout" --minutes "$minutes" --lr 3e-3 | tee "$work/train.log"
cp "$work/heldout/digits.onnx" "$work/digits.heldout.onnx"
if [ "$finetune" != "0" ]; then
  # Phase 2: fine-tune on everything including gcin voice 3.
  nice -n 10 "$py" prepare.py --fsdd "$data/speech/fsdd" --out "$work/bank.all.pt" --scale "$scale" \
    --from-bank "$work/bank.pt" --include-held-out | tee "$work/prepare-all.log"
  nice -n 10 "$py" train.py --bank "$work/bank.all.pt" --work "$work/all" --resume "$work/heldout/model.pt" \
    --minutes "$finetune" --lr 5e-4 --warmup 20 | tee "$work/train-all.log"
  cp "$work/all/digits.onnx" "$work/digits.all.onnx"
fi
if [ "$ship" = "all" ] && [ "$finetune" != "0" ]; then
  cp "$work/digits.all.onnx" "$repo/models/digits.onnx"
  echo "wrote $repo/models/digits.onnx (fine-tuned on all voices, including the evaluation voice 3)"
else
  cp "$work/digits.heldout.onnx" "$repo/models/digits.onnx"
  echo "wrote $repo/models/digits.onnx (gcin voice 3 held out)"
fi
