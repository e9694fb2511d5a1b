"""Stage 4: export a checkpoint to models/earshot-en/ in sherpa-onnx's T-one streaming CTC format.

  input  0 'signal'     int32   [N, S, 1]   8 kHz samples, S = 2400 (300 ms), float audio * 32767
  input  1 'state'      float16 [N, state_dim]
  output 0 'log_probs'  float32 [N, S/240, vocab_size]  (log-softmax, one frame per 30 ms)
  output 1 'state_next' float16 [N, state_dim]
"""
import argparse
import base64
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from common import MODEL_DIR, WORK
from model import HOP, NFFT, NMEL, SR, STACK, WIN, EarshotCtc, StreamWrapper

CHUNK_MS = 300  # fixed by sherpa-onnx for this model type


def load_ckpt(path):
    ck = torch.load(path, map_location="cpu")
    m = EarshotCtc(**ck["cfg"])
    m.load_state_dict(ck["model"])
    return m.eval(), ck


def param_map(m, onnx_model):
    """Record where each torch parameter/buffer ended up among the ONNX initializers, so that
    init_from_onnx.py can rebuild the torch model from a committed model.onnx."""
    inits = {i.name: numpy_helper.to_array(i) for i in onnx_model.graph.initializer}
    used = set()
    out = {}
    sd = m.state_dict()
    for name, t in sd.items():
        a = t.detach().numpy()
        found = None
        for iname, arr in inits.items():
            if iname in used or arr.size != a.size:
                continue
            if arr.shape == a.shape and np.array_equal(arr, a):
                found = (iname, False)
            elif a.ndim == 2 and arr.shape == a.T.shape and np.array_equal(arr, a.T):
                found = (iname, True)
            if found:
                break
        if found is None:
            # buffers folded into other constants (e.g. feature normalisation) are stored as values
            out[name] = {"b64": base64.b64encode(a.astype("<f4").tobytes()).decode(), "shape": list(a.shape)}
        else:
            used.add(found[0])
            out[name] = {"init": found[0], "transposed": found[1]}
    return out


def export(m, ck, out_dir, tokens, chunk_ms=CHUNK_MS, name="earshot-en"):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chunk = SR * chunk_ms // 1000
    assert chunk % (HOP * STACK) == 0
    w = StreamWrapper(m).eval()
    sd = m.state_dim()
    x = torch.zeros(1, chunk, 1, dtype=torch.int32)
    st = torch.zeros(1, sd, dtype=torch.float16)
    path = out_dir / "model.onnx"
    torch.onnx.export(w, (x, st), str(path), input_names=["signal", "state"],
                      output_names=["log_probs", "state_next"], opset_version=17,
                      dynamic_axes={"signal": {0: "N", 1: "num_samples"}, "state": {0: "N"},
                                    "log_probs": {0: "N", 1: "num_frames"}, "state_next": {0: "N"}},
                      do_constant_folding=True)
    om = onnx.load(str(path))
    cfg = m.cfg
    meta = {
        "frame_length_ms": str(chunk_ms),
        "state_dim": str(sd),
        "sample_rate": str(SR),
        "model_type": "earshot-tone-ctc",
        "model_name": name,
        "vocab_size": str(cfg["vocab_size"]),
        "blank_id": "0",
        "subsampling": str(STACK),
        "frame_shift_ms": str(HOP * 1000 // SR),
        "output_frame_ms": str(HOP * STACK * 1000 // SR),
        "chunk_ms": str(chunk_ms),
        "chunk_samples": str(chunk),
        "left_context_frames": str(sum(b.ctx for b in m.blocks)),
        "state_layout": json.dumps({"audio_overlap": WIN - HOP,
                                    "caches": [[b.ctx, m.d] for b in m.blocks]}),
        "feature": f"log-mel {NMEL} (60-3800 Hz), 25 ms window, 10 ms hop, {NFFT}-point DFT at {SR} Hz, in graph",
        "earshot_config": json.dumps(cfg),
        "earshot_step": str(ck.get("step", 0)),
        "version": "1",
    }
    meta["earshot_param_map"] = json.dumps(param_map(m, om))
    del om.metadata_props[:]
    for k, v in meta.items():
        p = om.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(om, str(path))
    shutil.copy(tokens, out_dir / "tokens.txt")
    print(f"exported {path} ({path.stat().st_size / 1e6:.1f} MB), state_dim={sd}, chunk={chunk}")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=str(WORK / "ckpt" / "last.pt"))
    ap.add_argument("--out", default=str(MODEL_DIR))
    ap.add_argument("--tokens", default=str(WORK / "tokens.txt"))
    ap.add_argument("--chunk-ms", type=int, default=CHUNK_MS)
    args = ap.parse_args()
    m, ck = load_ckpt(args.ckpt)
    export(m, ck, args.out, args.tokens, args.chunk_ms)


if __name__ == "__main__":
    main()
