"""Trains the digit CTC model for a fixed number of steps and exports ONNX at the end.

Step-bounded, so every fold and the shipped model get the same schedule whatever the machine's
load; the last step is the model (no checkpoint is picked on any evaluation voice). `--fold K`
leaves fold K's voices (voices.py) out of everything the mixer draws.
"""
import argparse
import math
import os
import time

import torch

import voices
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


CLEAN_FIT_STRINGS = 200


def clean_fit(model: DigitNet, bank: str, exclude: frozenset, n: int = CLEAN_FIT_STRINGS, seed: int = 12345) -> float:
    """Share of `n` un-augmented training-recipe strings (the run's own voices) that the model
    reads back exactly in eval mode, one recording at a time as the service runs it. Far below
    the training batches' accuracy means eval mode differs from training (as padded BatchNorm
    statistics once made it: docs/decisions.md)."""
    from mixer import Mixer
    mixer = Mixer(torch.load(bank), seed, exclude)
    was = model.training
    model.eval()
    right = tried = 0
    with torch.no_grad():
        while tried < n:
            x, toks = mixer.compose()
            ref = [t for t in toks if t != FILLER]
            if not ref:
                continue
            logp = model(torch.from_numpy(x)[None])[0]
            right += int([t for t in greedy(logp, logp.shape[0]) if t != FILLER] == ref)
            tried += 1
    model.train(was)
    return right / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--bank', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--steps', type=int, required=True)
    ap.add_argument('--fold', type=int, default=-1, help="leave this fold's voices out (-1: train on every voice)")
    ap.add_argument('--exclude', default='', help='comma-separated voice ids to leave out as well')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--threads', type=int, default=1, help='2 threads on a shared 2-core machine ran 5x slower')
    ap.add_argument('--resume', default='')
    ap.add_argument('--save-every', type=int, default=1000, help='steps between checkpoints (resume after a crash)')
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--warmup', type=int, default=60, help='steps of linear learning-rate warm-up')
    ap.add_argument('--real-share', type=float, default=0.6, help='share of digits drawn from real voices rather than TTS')
    ap.add_argument('--no-specaug', action='store_true', help='train without SpecAugment masks')
    ap.add_argument('--vtlp-share', type=float, default=0.8, help='share of utterances read through a warped filterbank (vocal-tract length)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.work, exist_ok=True)

    model = DigitNet()
    model.front.use_fft = True
    model.specaug = not args.no_specaug
    model.front.vtlp_share = args.vtlp_share
    print('params', sum(p.numel() for p in model.parameters()), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    ckpt = os.path.join(args.work, 'checkpoint.pt')
    step = 0
    if args.resume:
        state = torch.load(args.resume)
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['opt'])
        step = state['step']
        print(f'resumed at step {step}', flush=True)
    exclude = held_out(args.fold) | {v for v in args.exclude.split(',') if v}
    print('left out:', ' '.join(sorted(exclude)) or 'nothing', flush=True)
    ctc = torch.nn.CTCLoss(blank=BLANK, zero_infinity=True)
    dataset = MixerDataset(args.bank, args.batch, args.seed + step, frozenset(exclude), args.real_share)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=1, prefetch_factor=4)
    start = time.time()
    ema, ema_acc = None, None
    for pcm, lens, targets, target_lens in loader:
        if step >= args.steps:
            break
        frac = step / args.steps
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
        if step % 50 == 0:
            print(f'step {step}/{args.steps} t={time.time() - start:.0f}s lr={lr:.2e} loss={ema:.3f} digit-string-acc={ema_acc:.3f}', flush=True)
        if step % args.save_every == 0:
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step}, ckpt)
    torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step}, ckpt)
    onnx_path = os.path.join(args.work, 'digits.onnx')
    export_onnx(model, onnx_path)
    print(f'done step {step} loss={ema} acc={ema_acc} wrote {onnx_path}', flush=True)
    print(f'clean fit (eval mode, {CLEAN_FIT_STRINGS} un-augmented strings of its own voices): {clean_fit(model, args.bank, frozenset(exclude)):.3f}', flush=True)


def held_out(fold: int) -> set[str]:
    return set(voices.load()['folds'][fold]) if fold >= 0 else set()


if __name__ == '__main__':
    main()
