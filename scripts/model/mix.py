"""The training mixture: hours and share per source of every shard train.py reads.

  /usr/bin/python3 mix.py [--skip-hard 1] [--out ../../work-data/mix.json]

Reads the same manifest shards as train.py (work-data/corpus/manifest-train*-w*.jsonl), applies the
same filters (--skip-hard, the 20 s cap), and prints one row per source: real corpora by their
realspeech source name, synthetic speech by engine (and voice family for espeak-ng). The JSON it
writes is the record of what a model was trained on; the model card quotes it.
"""
import argparse
import glob
import json
from collections import defaultdict

from common import CORPUS, source_of
from train import is_hard

MAX_SECONDS = 20.0  # train.Corpus leaves longer utterances out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-hard", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    secs, utts = defaultdict(float), defaultdict(int)
    for shard in sorted(glob.glob(str(CORPUS / "manifest-train*-w*.jsonl"))):
        for line in open(shard):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r["duration"] > MAX_SECONDS or (args.skip_hard and is_hard(r.get("augment", {}))):
                continue
            key = source_of(r)
            secs[key] += r["duration"]
            utts[key] += 1
    total = sum(secs.values())
    rows = [{"source": k, "utterances": utts[k], "hours": round(secs[k] / 3600, 2), "share": round(secs[k] / total, 4)}
            for k in sorted(secs, key=lambda k: -secs[k])]
    for r in rows:
        print(f"{r['source']:45s} {r['utterances']:7d} utts {r['hours']:7.2f} h {r['share'] * 100:5.1f} %")
    real = sum(r["hours"] for r in rows if r["source"].startswith("real/"))
    print(f"{'total':45s} {sum(utts.values()):7d} utts {total / 3600:7.2f} h (real {real:.2f} h, "
          f"{real / (total / 3600) * 100:.1f} %)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"skip_hard": bool(args.skip_hard), "total_hours": round(total / 3600, 2), "sources": rows}, f, indent=1)


if __name__ == "__main__":
    main()
