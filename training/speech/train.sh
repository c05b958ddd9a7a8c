#!/usr/bin/env bash
# Regenerates models/digits.onnx from scratch: clip bank, time-bounded training, ONNX export.
# Needs Debian packages (see docs/speech.md): python3-torch python3-torchaudio gcin-voice
# asterisk-core-sounds-en-wav flite espeak-ng sox ffmpeg, and FSDD in ../shared/data.
# Knobs: SCALE (fraction of synthetic clips, 1.0 = full), MINUTES (training wall time).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/training/work"
data="${LIVECHECK_SHARED_DATA:-$repo/../shared/data}"
scale="${SCALE:-1.0}"
minutes="${MINUTES:-90}"
py=/usr/bin/python3
mkdir -p "$work"
cd "$here"
nice -n 5 "$py" prepare.py --fsdd "$data/speech/fsdd" --out "$work/bank.pt" --scale "$scale" | tee "$work/prepare.log"
nice -n 5 "$py" train.py --bank "$work/bank.pt" --work "$work" --minutes "$minutes" | tee "$work/train.log"
cp "$work/digits.onnx" "$repo/models/digits.onnx"
echo "wrote $repo/models/digits.onnx"
