"""Average the weights of several checkpoints of one run (stage 3b, optional).

  /usr/bin/python3 average.py --out ../../work-data/ckpt/avg.pt ../../work-data/snaps/snap-*.pt
  /usr/bin/python3 average.py --out ../../work-data/ckpt/soup.pt ../../work-data/ckpt/avg.pt ../../models/earshot-en/model.onnx
  /usr/bin/python3 export.py --ckpt ../../work-data/ckpt/soup.pt

Snapshots taken along the tail of a cosine schedule sit around the same minimum; their mean
is usually a little better than any one of them (the idea behind icefall's --avg). A committed
model.onnx may be one of the inputs (rebuilt by init_from_onnx.py): averaging a run with the model
it continued from keeps some of what each learnt from its own text. Buffers that
are not floating point (counters) are taken from the newest checkpoint, as are the step, the
config and the optimiser state, so the result exports like any other checkpoint.
"""
import argparse

import torch


def load(path):
    if str(path).endswith(".onnx"):
        from init_from_onnx import load_from_onnx

        m = load_from_onnx(path)
        return {"model": m.state_dict(), "cfg": m.cfg, "step": -1}
    return torch.load(path, map_location="cpu", weights_only=False)  # train.py checkpoints hold RNG states


def average(paths):
    cks = [load(p) for p in paths]
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
    out["averaged_steps"] = sorted(c["step"] for c in cks)  # -1: a committed ONNX model
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
