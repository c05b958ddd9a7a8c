"""Exports the Silent-Face MiniFASNet weights to ONNX for src/vision/pad.

  /usr/bin/python3 training/pad/export.py --weights ../shared/data/models/silent_face --out models

Writes one graph per model (input `crop`: N x 3 x 80 x 80 float BGR 0-255, output `logits`:
N x 3), checks each with onnx.checker, and prints the sha256 of every input and output file
for the model card. Debian's python3-torch (1.13) and python3-onnx; no network.
"""
from __future__ import annotations

import argparse
import hashlib
import os

import onnx
import torch

import minifasnet

# Upstream file name -> shipped name. The scale (2.7, 4.0) is the crop context the model expects.
MODELS = {
    "2.7_80x80_MiniFASNetV2.pth": "pad-minifasnet-v2-2.7.onnx",
    "4_0_0_80x80_MiniFASNetV1SE.pth": "pad-minifasnet-v1se-4.0.onnx",
}


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True, help="folder with the upstream .pth files")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    for src, dst in MODELS.items():
        src_path = os.path.join(args.weights, src)
        dst_path = os.path.join(args.out, dst)
        model = minifasnet.load(src_path)
        example = torch.rand(2, 3, 80, 80) * 255
        torch.onnx.export(
            model,
            example,
            dst_path,
            input_names=["crop"],
            output_names=["logits"],
            dynamic_axes={"crop": {0: "n"}, "logits": {0: "n"}},
            opset_version=13,
            do_constant_folding=True,
        )
        onnx.checker.check_model(onnx.load(dst_path))
        print(f"{src} sha256 {sha256(src_path)}")
        print(f"{dst} sha256 {sha256(dst_path)} ({os.path.getsize(dst_path)} bytes, {sum(p.numel() for p in model.parameters())} parameters)")


if __name__ == "__main__":
    main()
