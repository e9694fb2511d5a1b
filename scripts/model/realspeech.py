"""Stage 1c: real human speech (../shared/realspeech) as training copies the trainer reads.

  /usr/bin/python3 realspeech.py --copies 4 [--seed 1300] [--workers 2]

Copy 0 is the recordings as they are (peak-normalised, random gain); copies 1.. each get a fresh
draw of synth.py's augmentation chain (speed, reverberation, band-limiting, noise and babble,
8 kHz mu-law telephone round trip, gain), from a per-(seed, copy, utterance) RNG, so every copy
is re-creatable. Output: work-data/corpus/train-real-c<k>/NNNNNN.wav (16 kHz int16) and
manifest shards work-data/corpus/manifest-train-real-c<k>-w<j>.jsonl in the synthetic corpus's
format, which train.py picks up like any other training shard. Resumable: utterances already in
a shard are skipped.

The realspeech dev set is never written here: it is for choosing models and decoding settings
(scripts/eval reads it directly), and ../shared/testdata is for reporting only.
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Process
from pathlib import Path

import numpy as np
import soundfile as sf

from common import CORPUS, REPO, SAMPLE_RATE, WORK, done_indices, normalize_text
from synth import augment, resample, write_wav

REALSPEECH = Path(os.environ.get("EARSHOT_REALSPEECH", REPO.parent / "shared" / "realspeech"))


def read_manifest(split):
    lines = (REALSPEECH / f"{split}.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    rows = []
    for idx, line in enumerate(lines[1:]):
        f = dict(zip(head, line.split("\t")))
        text = f["transcript"]
        # digits would be spoken as words the transcript does not spell out: leave them out
        if any(c.isdigit() for c in text):
            continue
        norm = normalize_text(text)
        if norm:
            rows.append({"idx": idx, "src": f["path"], "speaker": f["speaker"], "source": f["source"],
                         "text": text, "norm": norm})
    return rows


def load_16k(path):
    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    return resample(x, sr, SAMPLE_RATE) if sr != SAMPLE_RATE else x


def worker(k, nworkers, rows, copy, seed):
    name = f"train-real-c{copy}"
    outdir = CORPUS / name
    outdir.mkdir(parents=True, exist_ok=True)
    shard = CORPUS / f"manifest-{name}-w{k}.jsonl"
    done = done_indices(shard)
    mine = [r for r in rows if r["idx"] % nworkers == k and r["idx"] not in done]
    babble = []
    t0 = time.time()
    with open(shard, "a") as f:
        for n, r in enumerate(mine):
            try:
                x = load_16k(REALSPEECH / r["src"])
            except Exception as e:  # an unreadable file is skipped, not fatal
                print(f"[w{k}] skip {r['src']}: {e}", file=sys.stderr)
                continue
            rng = np.random.default_rng([seed, copy, r["idx"]])
            if len(babble) < 64:
                babble.append(x.copy())
            elif rng.random() < 0.1:
                babble[int(rng.integers(64))] = x.copy()
            if copy == 0:
                gain_db = float(rng.uniform(-20, 2))
                y = (x / (np.max(np.abs(x)) + 1e-9) * 0.5 * 10 ** (gain_db / 20)).astype(np.float32)
                aug = {"gain_db": round(gain_db, 1)}
            else:
                y, aug = augment(x, rng, babble, clean_prob=0.1)
            path = outdir / f"{r['idx']:06d}.wav"
            write_wav(path, y)
            rec = {k2: r[k2] for k2 in ("idx", "src", "speaker", "source", "text", "norm")}
            rec.update({"engine": "real", "path": str(path.relative_to(WORK)),
                        "duration": round(len(y) / SAMPLE_RATE, 3), "augment": aug})
            f.write(json.dumps(rec) + "\n")
            f.flush()
            if n % 2000 == 0:
                print(f"[w{k}] copy {copy} {n}/{len(mine)} {time.time() - t0:.0f}s", flush=True)
    print(f"[w{k}] copy {copy} done in {time.time() - t0:.0f}s", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=4, help="copy 0 clean, the others augmented")
    ap.add_argument("--first-copy", type=int, default=0, help="start at this copy (more copies later)")
    ap.add_argument("--seed", type=int, default=1300)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not (REALSPEECH / "train.tsv").exists():
        sys.exit(f"no {REALSPEECH / 'train.tsv'} (set EARSHOT_REALSPEECH)")
    rows = read_manifest("train")
    print(f"realspeech train: {len(rows)} utterances with a usable transcript", flush=True)
    for copy in range(args.first_copy, args.copies):
        procs = [Process(target=worker, args=(k, args.workers, rows, copy, args.seed)) for k in range(args.workers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()


if __name__ == "__main__":
    main()
