"""Copy a handful of held-out synthetic test utterances (unseen sentences, unseen voice variants)
into scripts/eval/fixtures/heldout/ as small 8 kHz 16-bit WAVs plus refs.tsv, for the vitest
reference test and for `npm run eval:wer` in checkouts without the corpus (< 1 MB in all)."""
import argparse
import json
import wave
from pathlib import Path

import numpy as np
from scipy import signal

from common import CORPUS, REPO, WORK

OUT = REPO / "scripts" / "eval" / "fixtures" / "heldout"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--num", type=int, default=14)
    ap.add_argument("--max-bytes", type=int, default=900_000)
    args = ap.parse_args()
    rows = [json.loads(l) for l in open(CORPUS / "manifest-test.jsonl")]
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.glob("*.wav"):
        p.unlink()
    total, picked, voices = 0, [], set()
    for r in rows:
        if len(picked) >= args.num:
            break
        if r["voice"] in voices and len(voices) < 8:
            continue
        if any(a in r["text"].lower() for a in ("e.g", "i.e")):
            continue  # abbreviations the TTS expands differently from the reference
        with wave.open(str(WORK / r["path"])) as w:
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32)
            sr = w.getframerate()
        y = signal.resample_poly(x, 8000, sr) if sr != 8000 else x
        y = np.clip(y, -32768, 32767).astype(np.int16)
        if total + 44 + 2 * len(y) > args.max_bytes:
            continue
        name = f"heldout-{r['idx']:04d}.wav"
        with wave.open(str(OUT / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(y.tobytes())
        total += 44 + 2 * len(y)
        voices.add(r["voice"])
        picked.append((name, r))
    with open(OUT / "refs.tsv", "w") as f:
        f.write("path\tvoice\tengine\ttext\n")
        for name, r in picked:
            f.write(f"{name}\t{r['voice']}\t{r['engine']}\t{r['norm']}\n")
    print(f"{len(picked)} fixtures, {total / 1e6:.2f} MB -> {OUT}")


if __name__ == "__main__":
    main()
