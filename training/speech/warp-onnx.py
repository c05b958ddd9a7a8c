"""Copies of a digit ONNX model whose front-end mel filterbank is warped by each alpha, as the
training's vocal-tract perturbation warps it (model.warp_table):
    /usr/bin/python3 training/speech/warp-onnx.py MODEL.onnx OUT_PREFIX 0.9 1.1
writes OUT_PREFIX-0.9.onnx and OUT_PREFIX-1.1.onnx. Used by test-warps.ts, which measured
test-time warps of the digit model and found them not worth running (docs/decisions.md)."""
import os
import sys

import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402


def warped(src: str, alpha: float) -> onnx.ModelProto:
    m = onnx.load(src)
    for i, t in enumerate(m.graph.initializer):
        if t.name == 'front.mel':
            # warp_table reads the module's alphas; model.py itself is left alone because train.sh
            # hashes it into every run's stamp, and an edit would restart the pending runs.
            M.VTLP_ALPHAS = [alpha]
            mel = M.warp_table(torch.from_numpy(numpy_helper.to_array(t).copy()))[0]
            m.graph.initializer[i].CopyFrom(numpy_helper.from_array(mel.numpy(), 'front.mel'))
            return m
    sys.exit(f'{src}: no front.mel initializer')


if __name__ == '__main__':
    src, prefix = sys.argv[1], sys.argv[2]
    for a in sys.argv[3:]:
        onnx.save(warped(src, float(a)), f'{prefix}-{a}.onnx')
