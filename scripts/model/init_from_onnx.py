"""Rebuild the torch model from a committed fp32 models/earshot-en/model.onnx, so that a later
session (whose work tree has no checkpoints) can continue training:

  /usr/bin/python3 init_from_onnx.py --onnx ../../models/earshot-en/model.onnx --out ../../work-data/ckpt/init.pt
  /usr/bin/python3 train.py --init-onnx ../../models/earshot-en/model.onnx

export.py writes the metadata key 'earshot_config' (constructor arguments) and
'earshot_param_map' (torch parameter name -> ONNX initializer name, transposed flag, or the raw
float32 values in base64 for tensors the exporter folded away).
"""
import argparse
import base64
import json

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from model import EarshotCtc


def load_from_onnx(path):
    om = onnx.load(str(path))
    meta = {p.key: p.value for p in om.metadata_props}
    cfg = json.loads(meta["earshot_config"])
    pmap = json.loads(meta["earshot_param_map"])
    inits = {i.name: numpy_helper.to_array(i) for i in om.graph.initializer}
    model = EarshotCtc(**cfg)
    sd = model.state_dict()
    new = {}
    for name, t in sd.items():
        e = pmap[name]
        if "init" in e:
            a = inits[e["init"]]
            if e["transposed"]:
                a = a.T
        else:
            a = np.frombuffer(base64.b64decode(e["b64"]), dtype="<f4").reshape(e["shape"])
        assert tuple(a.shape) == tuple(t.shape), (name, a.shape, t.shape)
        new[name] = torch.from_numpy(np.ascontiguousarray(a)).to(t.dtype)
    model.load_state_dict(new)
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    m = load_from_onnx(args.onnx)
    torch.save({"model": m.state_dict(), "cfg": m.cfg, "step": 0}, args.out)
    print(f"wrote {args.out} ({sum(p.numel() for p in m.parameters())} parameters)")


if __name__ == "__main__":
    main()
