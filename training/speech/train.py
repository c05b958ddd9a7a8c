"""Trains the digit CTC model for a fixed wall-clock budget and exports ONNX as it goes.

Time-bounded rather than epoch-bounded: the machine is shared and its speed varies, so the
learning-rate schedule follows elapsed time and a usable ONNX file exists after every
checkpoint.
"""
import argparse
import math
import os
import shutil
import time

import torch

from mixer import MixerDataset
from model import DigitNet
from tokens import BLANK, FILLER


def export_onnx(model: DigitNet, path: str) -> None:
    model.eval()
    model.front.use_fft = False
    tmp = path + '.tmp'
    dummy = torch.zeros(1, 32000)
    torch.onnx.export(
        model, (dummy,), tmp, input_names=['pcm'], output_names=['logprobs'],
        dynamic_axes={'pcm': {0: 'batch', 1: 'samples'}, 'logprobs': {0: 'batch', 1: 'frames'}},
        opset_version=13,
    )
    os.replace(tmp, path)
    model.front.use_fft = True
    model.train()


def greedy(logp: torch.Tensor, frames: int) -> list[int]:
    ids = logp[:frames].argmax(-1).tolist()
    out, prev = [], BLANK
    for i in ids:
        if i != prev and i != BLANK:
            out.append(i)
        prev = i
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--bank', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--minutes', type=float, required=True)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--threads', type=int, default=1, help='2 threads on a shared 2-core machine ran 5x slower')
    ap.add_argument('--resume', default='')
    ap.add_argument('--export-every', type=float, default=10.0, help='minutes between ONNX exports')
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--warmup', type=int, default=60, help='steps of linear learning-rate warm-up')
    ap.add_argument('--zh-real-share', type=float, default=0.5, help='share of Mandarin digits drawn from real gcin clips')
    ap.add_argument('--no-specaug', action='store_true', help='train without SpecAugment masks')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.work, exist_ok=True)

    model = DigitNet()
    model.front.use_fft = True
    model.specaug = not args.no_specaug
    if args.resume:
        model.load_state_dict(torch.load(args.resume))
    print('params', sum(p.numel() for p in model.parameters()), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    ctc = torch.nn.CTCLoss(blank=BLANK, zero_infinity=True)
    loader = torch.utils.data.DataLoader(MixerDataset(args.bank, args.batch, args.seed, args.zh_real_share), batch_size=None, num_workers=1, prefetch_factor=4)
    budget = args.minutes * 60
    start = last_export = time.time()
    step, ema, ema_acc = 0, None, None
    ckpt = os.path.join(args.work, 'model.pt')
    onnx_path = os.path.join(args.work, 'digits.onnx')
    for pcm, lens, targets, target_lens in loader:
        frac = (time.time() - start) / budget
        if frac >= 1:
            break
        warm = min(1.0, (step + 1) / args.warmup)
        lr = args.lr * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g['lr'] = lr
        logp, frames = model(pcm, lens)
        loss = ctc(logp.transpose(0, 1), targets, frames, target_lens)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        with torch.no_grad():
            off, right = 0, 0
            for i in range(len(lens)):
                ref = targets[off: off + target_lens[i]].tolist()
                off += int(target_lens[i])
                hyp = [t for t in greedy(logp[i], int(frames[i])) if t != FILLER]
                right += int(hyp == [t for t in ref if t != FILLER])
            acc = right / len(lens)
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        ema_acc = acc if ema_acc is None else 0.98 * ema_acc + 0.02 * acc
        if step % 25 == 0:
            print(f'step {step} t={time.time() - start:.0f}s lr={lr:.2e} loss={ema:.3f} digit-string-acc={ema_acc:.3f}', flush=True)
        if time.time() - last_export > args.export_every * 60:
            torch.save(model.state_dict(), ckpt)
            export_onnx(model, onnx_path)
            last_export = time.time()
            print(f'exported {onnx_path} at step {step}', flush=True)
    torch.save(model.state_dict(), ckpt)
    export_onnx(model, onnx_path)
    shutil.copy(onnx_path, os.path.join(args.work, 'digits.final.onnx'))
    print(f'done step {step} loss={ema:.3f} acc={ema_acc:.3f}', flush=True)


if __name__ == '__main__':
    main()
