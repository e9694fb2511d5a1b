"""Stage 3: train the streaming CTC model on the synthetic corpus (resumable).

  /usr/bin/python3 train.py --seed 1234 [--init-onnx models/earshot-en/model.onnx] [--max-hours 1.5]

Resumes from work-data/ckpt/last.pt when present (model, optimiser, step, RNG). New utterances
that the synthesis stage appended to the manifest shards are picked up at every pass (or every
--refresh-steps steps).
A checkpoint is written every --ckpt-minutes and on SIGTERM/SIGINT.
"""
import argparse
import glob
import json
import math
import os
import random
import signal as sig
import time
import wave
from pathlib import Path

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F
from scipy import signal

from common import CKPT_DIR, CORPUS, WORK, seed_all, source_of
from model import HOP, NMEL, SR, STACK, EarshotCtc, mel_matrix

FRAME = HOP * STACK  # samples per output frame (240 at 8 kHz)


def load_wav_8k(path):
    with wave.open(str(path)) as w:
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if sr == SR:
        return x.copy()
    y = signal.resample_poly(x.astype(np.float32), SR, sr) if sr % SR else \
        signal.resample_poly(x.astype(np.float32), 1, sr // SR)
    return np.clip(y, -32768, 32767).astype(np.int16)


def is_hard(augment):
    """The harshest augmentation draws: 5 dB noise, babble at <= 10 dB, long reverberation, or
    reverberation plus <= 10 dB noise. A small model spends its capacity on these for little gain."""
    snr = augment.get("snr_db", 99)
    return (snr <= 5 or (augment.get("noise") == "babble" and snr <= 10) or augment.get("reverb_rt60", 0) > 0.6
            or ("reverb_rt60" in augment and snr <= 10))


def parse_weights(spec):
    """'real/speechocean762=0.5,real/librispeech_train-clean-5=2' -> {prefix: weight}."""
    out = {}
    for part in filter(None, (spec or "").split(",")):
        key, value = part.rsplit("=", 1)
        out[key] = float(value)
    return out


def weight_of(source, weights):
    """The weight of the longest matching source prefix (1 where none matches)."""
    best = max((k for k in weights if source.startswith(k)), key=len, default=None)
    return 1.0 if best is None else weights[best]


class Corpus:
    def __init__(self, sp, pattern, skip_hard=False, weights=None, seed=0):
        self.sp = sp
        self.pattern = pattern
        self.skip_hard = skip_hard
        # A source's weight w keeps each of its utterances floor(w) times, plus once more with
        # probability frac(w) (a fixed draw per utterance), so a pass sees each source w times as often.
        self.weights = weights or {}
        self.seed = seed
        self.items = []  # (audio int16 @8k, ids)
        self.seen = set()

    def refresh(self, limit=None):
        added = 0
        for shard in sorted(glob.glob(self.pattern)):
            with open(shard) as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except Exception:
                        continue
                    key = r["path"]
                    if key in self.seen:
                        continue
                    self.seen.add(key)
                    if self.skip_hard and is_hard(r.get("augment", {})):
                        continue
                    w = weight_of(source_of(r), self.weights)
                    copies = int(w) + (random.Random(f"{self.seed}-{key}").random() < w - int(w))
                    if copies == 0:
                        continue
                    ids = self.sp.encode(r["norm"])
                    a = load_wav_8k(WORK / r["path"])
                    nfr = len(a) // FRAME
                    if nfr < len(ids) * 1.3 + 2 or len(a) > SR * 20:
                        continue
                    self.items.extend([(a, ids)] * copies)
                    added += 1
                    if limit and added >= limit:
                        return added
        return added

    def hours(self):
        return sum(len(a) for a, _ in self.items) / SR / 3600


def load_real_dev(sp):
    """The realspeech dev set (../shared/realspeech/dev.tsv) as (audio int16 @8k, ids), read from its Ogg files."""
    from realspeech import REALSPEECH, load_16k, read_manifest

    if not (REALSPEECH / "dev.tsv").exists():
        return []
    items = []
    for r in read_manifest("dev"):
        x = load_16k(REALSPEECH / r["src"])
        y = signal.resample_poly(x, 1, 2) * 32768.0
        items.append((np.clip(y, -32768, 32767).astype(np.int16), sp.encode(r["norm"])))
    return items


def cpu_has_bf16():
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def make_batches(items, max_samples, rng):
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]) + rng.random() * SR)
    batches, cur, cur_max = [], [], 0
    for i in order:
        L = len(items[i][0])
        if cur and max(cur_max, L) * (len(cur) + 1) > max_samples:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, L)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(items, idx):
    L = max(len(items[i][0]) for i in idx)
    L = (L + FRAME - 1) // FRAME * FRAME
    audio = torch.zeros(len(idx), L)
    lens, tgts, tlens = [], [], []
    for j, i in enumerate(idx):
        a, ids = items[i]
        audio[j, : len(a)] = torch.from_numpy(a.astype(np.float32) / 32768.0)
        lens.append(len(a) // FRAME)
        tgts.extend(ids)
        tlens.append(len(ids))
    return audio, torch.tensor(lens), torch.tensor(tgts), torch.tensor(tlens)


def spec_augment(feats, rng):
    n, t, f = feats.shape
    for b in range(n):
        for _ in range(2):
            w = rng.randint(0, 8)
            s = rng.randint(0, f - w)
            feats[b, :, s:s + w] = 0
        for _ in range(max(1, t // 120)):
            w = rng.randint(0, 10)
            s = rng.randint(0, max(1, t - w))
            feats[b, s:s + w, :] = 0
    return feats


def vtlp_bank(max_warp, steps=21):
    """Filter banks for warp factors evenly spaced in [1 - max_warp, 1 + max_warp]: [steps, nb, NMEL]."""
    return torch.stack([mel_matrix(warp=1.0 - max_warp + 2 * max_warp * i / (steps - 1)).t() for i in range(steps)])


def greedy(logp, lens):
    out = []
    ids = logp.argmax(-1)
    for b in range(ids.shape[0]):
        prev, seq = -1, []
        for t in ids[b, : lens[b]].tolist():
            if t != prev and t != 0:
                seq.append(t)
            prev = t
        out.append(seq)
    return out


def wer(refs, hyps):
    import difflib

    errs = words = 0
    for r, h in zip(refs, hyps):
        r, h = r.split(), h.split()
        words += len(r)
        # Levenshtein
        d = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            prev, d[0] = d[0], i
            for j in range(1, len(h) + 1):
                cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
                prev, d[j] = d[j], cur
        errs += d[len(h)]
    return errs / max(1, words)


def evaluate(model, sp, test_items, refs, device="cpu"):
    model.eval()
    hyps = []
    with torch.no_grad():
        for k in range(0, len(test_items), 16):
            chunk = test_items[k:k + 16]
            audio, lens, _, _ = collate(chunk, list(range(len(chunk))))
            logp = model(model.features(audio.to(device))).cpu()
            for seq in greedy(logp, lens):
                hyps.append(sp.decode(seq))
    model.train()
    return wer(refs, hyps), hyps


def compute_norm(model, items):
    feats = []
    with torch.no_grad():
        for a, _ in items[:300]:
            x = torch.from_numpy(a.astype(np.float32) / 32768.0)[None]
            x = x[:, : len(a) // FRAME * FRAME].to(model.frontend.feat_mean.device)
            model.frontend.feat_mean.zero_()
            model.frontend.feat_istd.fill_(1.0)
            feats.append(model.features(x)[0])
    f = torch.cat(feats, 0)
    model.frontend.feat_mean.copy_(f.mean(0))
    model.frontend.feat_istd.copy_(1.0 / (f.std(0) + 1e-5))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--max-hours", type=float, default=1.0, help="wall-clock budget of this run")
    ap.add_argument("--batch-seconds", type=float, default=50.0)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--hold", type=int, default=4000, help="keep the peak lr until this step, then 1/sqrt decay")
    ap.add_argument("--ckpt-minutes", type=float, default=8.0)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--init-onnx", default=None, help="start from a committed model.onnx")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--anneal-start", type=int, default=10**9, help="step where linear lr annealing starts")
    ap.add_argument("--anneal-steps", type=int, default=2000, help="steps to anneal the lr down to 5%%")
    ap.add_argument("--dropout", type=float, default=None, help="override the model's dropout")
    ap.add_argument("--specaug", type=int, default=1, help="0 disables feature masking")
    ap.add_argument("--grow-blocks", type=int, default=None, help="with --init-onnx: append identity blocks up to this many")
    ap.add_argument("--grow-hidden", type=int, default=None, help="with --init-onnx: widen the feed-forward layers to this")
    ap.add_argument("--vtlp", type=float, default=0.0,
                    help="vocal tract length perturbation: each utterance's mel filters warped by a factor drawn "
                         "from [1 - v, 1 + v] (0.1 is the usual range); 0 turns it off")
    ap.add_argument("--refresh-steps", type=int, default=0,
                    help="look for newly synthesised utterances every this many steps (a random part of the "
                         "corpus per round) instead of after each full pass")
    ap.add_argument("--skip-hard", type=int, default=0, help="1 leaves out the harshest augmentation draws (is_hard)")
    ap.add_argument("--bf16", choices=["auto", "on", "off"], default="auto",
                    help="bf16 autocast for the encoder (auto: on where the CPU has AMX or AVX512-BF16, "
                         "about 7x faster there; elsewhere bf16 is emulated and slower)")
    ap.add_argument("--device", default="auto",
                    help="cpu, cuda, or auto (cuda where torch sees a GPU); on cuda the encoder runs under bf16 "
                         "autocast and the front end in full fp32 (TF32 off), as on the CPU")
    ap.add_argument("--source-weights", default="",
                    help="comma-separated SOURCE=WEIGHT (source prefixes as mix.py prints them, e.g. "
                         "real/librispeech_train-clean-5=2.5,real/speechocean762=0.5,synthetic=1)")
    ap.add_argument("--ckpt-dir", default=str(CKPT_DIR), help="where last.pt lives (two runs side by side need two)")
    ap.add_argument("--eval-real", type=int, default=0,
                    help="1 also reports greedy WER on the realspeech dev set (real speakers held out by speaker)")
    ap.add_argument("--cosine-hours", type=float, default=None,
                    help="cosine lr decay to 5%% over this many wall-clock hours of training, counting earlier runs "
                         "resumed from last.pt (replaces the step schedule)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          "cpu" if args.device == "auto" else args.device)
    if device.type == "cuda":
        # the front end's DFT and mel products must match the fp32 CPU graph that serves the model
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        bf16 = args.bf16 != "off"
    else:
        bf16 = args.bf16 == "on" or (args.bf16 == "auto" and cpu_has_bf16())
    print(f"device {device}", flush=True)
    print(f"bf16 autocast: {'on' if bf16 else 'off'}", flush=True)
    seed_all(args.seed)
    ckpt_dir = Path(args.ckpt_dir)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=str(WORK / "bpe.model"))
    corpus = Corpus(sp, str(CORPUS / "manifest-train*-w*.jsonl"), skip_hard=bool(args.skip_hard),
                    weights=parse_weights(args.source_weights), seed=args.seed)
    test = Corpus(sp, str(CORPUS / "manifest-test-w*.jsonl"))
    test.refresh()
    test_refs = [sp.decode(ids) for _, ids in test.items]
    real_dev = load_real_dev(sp) if args.eval_real else []
    real_dev_refs = [sp.decode(ids) for _, ids in real_dev]
    n = corpus.refresh()
    print(f"corpus: {n} utterances, {corpus.hours():.2f} h; test {len(test.items)}", flush=True)

    last = ckpt_dir / "last.pt"
    model = EarshotCtc(sp.get_piece_size()).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=1e-3)
    step = 0
    t_base = 0.0  # wall-clock seconds of earlier runs of the same cosine schedule
    rng = random.Random(args.seed)
    if last.exists():
        ck = torch.load(last, map_location="cpu", weights_only=False)  # holds the RNG states too
        model = EarshotCtc(**ck["cfg"])
        model.load_state_dict(ck["model"])
        model.to(device)
        t_base = ck.get("run_seconds", 0.0)
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=1e-3)
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        rng.setstate(ck["rng"])
        torch.set_rng_state(ck["torch_rng"])
        print(f"resumed from {last} at step {step}", flush=True)
    elif args.init_onnx:
        from init_from_onnx import load_from_onnx

        model = load_from_onnx(args.init_onnx)
        if args.grow_blocks or args.grow_hidden:
            from model import grow

            model = grow(model, args.grow_blocks, args.grow_hidden)
            print(f"grown to {model.cfg['num_blocks']} blocks, hidden {model.cfg['hidden']}: "
                  f"{sum(p.numel() for p in model.parameters())} parameters", flush=True)
        model.to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=1e-3)
        # warm up in both cases: the optimiser is fresh, and without a warm-up Adam's first updates
        # move every weight by about the peak lr, whatever its gradient
        step = 0
        print(f"initialised from {args.init_onnx}", flush=True)
    else:
        compute_norm(model, corpus.items)
    if args.dropout is not None:
        for mod in model.modules():
            if isinstance(mod, torch.nn.Dropout):
                mod.p = args.dropout
        model.cfg["dropout"] = args.dropout
    model.train()

    def save(tag="last"):
        tmp = ckpt_dir / f"{tag}.pt.tmp"
        torch.save({"model": {k: v.cpu() for k, v in model.state_dict().items()}, "opt": opt.state_dict(), "cfg": model.cfg, "step": step,
                    "rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                    "run_seconds": t_base + time.time() - t_start}, tmp)
        os.replace(tmp, ckpt_dir / f"{tag}.pt")
        print(f"[ckpt] step {step} -> {tag}.pt", flush=True)

    stop = {"now": False}
    sig.signal(sig.SIGTERM, lambda *_: stop.update(now=True))
    sig.signal(sig.SIGINT, lambda *_: stop.update(now=True))

    warp_bank = vtlp_bank(args.vtlp).to(device) if args.vtlp > 0 else None
    t_start = time.time()
    t_ckpt = time.time()
    audio_done = 0.0
    best = None
    while not stop["now"]:
        added = corpus.refresh()
        if added:
            print(f"corpus +{added}: {len(corpus.items)} utterances, {corpus.hours():.2f} h", flush=True)
        batches = make_batches(corpus.items, int(args.batch_seconds * SR), rng)
        if args.refresh_steps:
            batches = batches[: args.refresh_steps]
        for bidx in batches:
            audio, lens, tgts, tlens = collate(corpus.items, bidx)
            audio, lens, tgts, tlens = (t.to(device, non_blocking=True) for t in (audio, lens, tgts, tlens))
            lr = args.lr * min((step + 1) / args.warmup, math.sqrt(max(args.hold, args.warmup) / (step + 1)), 1.0)
            if step > args.anneal_start:
                lr *= max(0.05, 1.0 - (step - args.anneal_start) / args.anneal_steps)
            if args.cosine_hours:
                frac = min(1.0, (t_base + time.time() - t_start) / (args.cosine_hours * 3600))
                lr = args.lr * min(1.0, (step + 1) / args.warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
            for g in opt.param_groups:
                g["lr"] = lr
            with torch.no_grad():
                mel = None if warp_bank is None else warp_bank[[rng.randrange(len(warp_bank)) for _ in bidx]]
                feats = model.features(audio, mel)
                if args.specaug:
                    feats = spec_augment(feats, rng)
            # the front end stays fp32 (log of small powers); weights, optimiser and loss stay fp32
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                logp = model(feats)
            loss = F.ctc_loss(logp.float().transpose(0, 1), tgts, lens, tlens, blank=0, reduction="sum",
                              zero_infinity=True) / len(bidx)
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            audio_done += float(lens.sum()) * FRAME / SR
            if step % 20 == 0:
                el = time.time() - t_start
                print(f"step {step} loss {loss.item() / max(1, float(tlens.float().mean())):.3f}/tok "
                      f"lr {lr:.2e} gn {gn:.1f} {audio_done / el:.1f} s/s elapsed {el / 60:.1f} min", flush=True)
            if step % args.eval_every == 0 and test.items:
                w, hyps = evaluate(model, sp, test.items, test_refs, device)
                print(f"[eval] step {step} heldout WER {w * 100:.2f}%  e.g. '{hyps[0]}' vs '{test_refs[0]}'",
                      flush=True)
            if step % args.eval_every == 0 and real_dev:
                w, hyps = evaluate(model, sp, real_dev, real_dev_refs, device)
                print(f"[eval] step {step} realspeech dev WER {w * 100:.2f}%", flush=True)
            if time.time() - t_ckpt > args.ckpt_minutes * 60:
                save()
                t_ckpt = time.time()
            if stop["now"] or time.time() - t_start > args.max_hours * 3600:
                stop["now"] = True
                break
    save()


if __name__ == "__main__":
    main()
