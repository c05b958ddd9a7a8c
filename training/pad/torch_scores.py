"""PyTorch reference outputs for the ONNX parity check (`src/eval/pad/parity.ts` runs it).

  /usr/bin/python3 training/pad/torch_scores.py --weights DIR --request FILE

FILE is JSON {"entries": [{"model": "<upstream .pth name>", "crop": "<raw float32 3x80x80 BGR
0-255, little-endian>", "frame": "<raw RGB8 file>", "width": W, "height": H,
"window": [left, top, right, bottom]}]}. For each entry it prints the PyTorch logits of the
given crop and, when OpenCV is importable, the crop OpenCV makes from the same frame and window
(`cv2.resize` of `frame[top:bottom+1, left:right+1]` to 80x80, as upstream does): how far the
given crop is from it, and the logits of OpenCV's crop. Output: one JSON object on stdout.
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import torch

import minifasnet

try:
    import cv2
except ImportError:  # the comparison of crops is optional; the model comparison is not
    cv2 = None


def logits(model: minifasnet.MiniFASNet, crop: np.ndarray) -> list[float]:
    with torch.no_grad():
        return model(torch.from_numpy(crop[None].astype(np.float32))).double()[0].tolist()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--request", required=True)
    args = ap.parse_args()
    with open(args.request) as f:
        entries = json.load(f)["entries"]
    models: dict[str, minifasnet.MiniFASNet] = {}
    results = []
    for e in entries:
        name = e["model"]
        if name not in models:
            models[name] = minifasnet.load(os.path.join(args.weights, name))
        crop = np.fromfile(e["crop"], dtype="<f4").reshape(3, 80, 80)
        result = {"torch": logits(models[name], crop)}
        if cv2 is not None:
            rgb = np.fromfile(e["frame"], dtype=np.uint8).reshape(e["height"], e["width"], 3)
            left, top, right, bottom = e["window"]
            patch = cv2.resize(rgb[top:bottom + 1, left:right + 1, ::-1].copy(), (80, 80))
            ref = patch.transpose(2, 0, 1).astype(np.float32)
            diff = np.abs(ref - crop)
            result["cv2"] = {
                "maxPixelDiff": float(diff.max()),
                "differingValues": int((diff > 0).sum()),
                "torch": logits(models[name], ref),
            }
        results.append(result)
    print(json.dumps({"opencv": None if cv2 is None else cv2.__version__, "torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
