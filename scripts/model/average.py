"""Average the weights of several checkpoints of one run (stage 3b, optional).

  /usr/bin/python3 average.py --out ../../work-data/ckpt/avg.pt ../../work-data/snaps/snap-*.pt
  /usr/bin/python3 export.py --ckpt ../../work-data/ckpt/avg.pt

Snapshots taken along the tail of a cosine schedule sit around the same minimum; their mean
is usually a little better than any one of them (the idea behind icefall's --avg). Buffers that
are not floating point (counters) are taken from the newest checkpoint, as are the step, the
config and the optimiser state, so the result exports like any other checkpoint.
"""
import argparse

import torch


def average(paths):
    cks = [torch.load(p, map_location="cpu") for p in paths]
    newest = max(cks, key=lambda c: c["step"])
    for c in cks:
        if c["cfg"] != newest["cfg"]:
            raise SystemExit("checkpoints of different model configurations cannot be averaged")
    avg = {}
    for name, t in newest["model"].items():
        if t.is_floating_point():
            avg[name] = sum(c["model"][name].double() for c in cks).div(len(cks)).to(t.dtype)
        else:
            avg[name] = t.clone()
    out = dict(newest)
    out["model"] = avg
    out["averaged_steps"] = sorted(c["step"] for c in cks)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("ckpts", nargs="+")
    args = ap.parse_args()
    out = average(args.ckpts)
    torch.save(out, args.out)
    print(f"averaged steps {out['averaged_steps']} -> {args.out}")


if __name__ == "__main__":
    main()
