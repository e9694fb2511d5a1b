"""Weight averaging ("model soup") of exported punctuation models of one architecture and vocabulary.

Two runs of train.py that share a start (one continued from the other with --init) lie in one
basin of the loss, and the mean of their weights is often better than either. The exported ONNX
graphs are identical but for their initialisers, so the mean is taken there; the GRU's gate
reordering by the exporter is a permutation, so averaging the exported tensors is averaging the
trained ones. The comma bias baked into each head is averaged with it.

    /usr/bin/python3 scripts/punctuation/average.py A B [--weights 0.5,0.5] --out FOLDER
    npx tsx scripts/punctuation/check.ts FOLDER

A and B are folders holding model.onnx, vocab.txt and config.json; FOLDER gets the mean's
model.onnx, A's vocab.txt and a config.json naming its parts.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from members import add_member_args, members


def main():
    ap = argparse.ArgumentParser()
    add_member_args(ap)
    args = ap.parse_args()
    folders, weights = members(args)
    weights = np.array(weights)
    vocab = (folders[0] / "vocab.txt").read_text()
    for f in folders[1:]:
        if (f / "vocab.txt").read_text() != vocab:
            sys.exit(f"{f}: another vocabulary; only models of one vocabulary can be averaged")
    models = [onnx.load(str(f / "model.onnx")) for f in folders]
    ops = [n.op_type for n in models[0].graph.node]
    for f, m in zip(folders[1:], models[1:]):
        if [n.op_type for n in m.graph.node] != ops:
            sys.exit(f"{f}: another graph; only models of one architecture can be averaged")
    tensors = [{i.name: numpy_helper.to_array(i) for i in m.graph.initializer} for m in models]
    out_model = models[0]
    for init in out_model.graph.initializer:
        mean = sum(w * t[init.name].astype(np.float64) for w, t in zip(weights, tensors))
        init.CopyFrom(numpy_helper.from_array(mean.astype(numpy_helper.to_array(init).dtype), init.name))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(out_model, str(out / "model.onnx"))
    shutil.copy(folders[0] / "vocab.txt", out / "vocab.txt")
    config = json.loads((folders[0] / "config.json").read_text())
    parts = [json.loads((f / "config.json").read_text()) for f in folders]
    config = {k: config[k] for k in ("punctuation", "cases", "pad", "unknown", "number", "dim", "hidden", "layers")}
    config["average_of"] = [
        {"weight": round(float(w), 4), "seed": p.get("seed"), "steps": p.get("steps"), "init": p.get("init"),
         "comma_bias": p.get("comma_bias")} for w, p in zip(weights, parts)]
    config["comma_bias"] = round(float(sum(w * p.get("comma_bias", 0.0) for w, p in zip(weights, parts))), 4)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"-> {out} ({', '.join(f'{w:.2f} {f}' for w, f in zip(weights, folders))})")


if __name__ == "__main__":
    sys.exit(main())
