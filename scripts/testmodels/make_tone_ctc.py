#!/usr/bin/env python3
"""Build a tiny random-weight model in the T-one streaming CTC format (the format of
Earshot's own model, which sherpa-onnx loads as `t_one_ctc`).

Format (what sherpa-onnx's OnlineToneCtcModel expects):
  inputs  0: raw samples int32 [N, num_samples, 1]   (float in [-1,1] * 32767, truncated)
          1: state float16 [N, state_dim]
  outputs 0: log-probs float32 [N, T, V]
          1: next state float16 [N, state_dim]
  metadata: frame_length_ms, state_dim, sample_rate

The weights are random: the point is a model whose outputs depend on the audio and on the
carried state, so that streaming, batching and state handling can be compared against
sherpa-onnx-node token for token.

Usage: /usr/bin/python3 scripts/testmodels/make_tone_ctc.py OUT_DIR [--sample-rate 16000]
"""
import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TOKENS = ["<blk>", " "] + [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["'"]


def build(sample_rate: int, frame_length_ms: int, frames_per_chunk: int, hidden: int, state_dim: int, seed: int):
    rng = np.random.default_rng(seed)
    num_samples = sample_rate * frame_length_ms // 1000
    sub = num_samples // frames_per_chunk  # samples per output frame
    vocab = len(TOKENS)

    def const(name, arr):
        return numpy_helper.from_array(np.asarray(arr), name)

    w_in = (rng.standard_normal((sub, hidden)) * 3.0 / np.sqrt(sub)).astype(np.float32)
    w_state = (rng.standard_normal((hidden, hidden)) * 0.8 / np.sqrt(hidden)).astype(np.float32)
    w_out = (rng.standard_normal((hidden, vocab)) * 2.5).astype(np.float32)
    b_out = np.zeros(vocab, dtype=np.float32)
    b_out[0] = 1.0  # blank a little favoured, as in a trained CTC model
    inits = [
        const("w_in", w_in),
        const("w_state", w_state),
        const("w_out", w_out),
        const("b_out", b_out),
        const("frame_shape", np.array([-1, frames_per_chunk, sub], dtype=np.int64)),
        const("scale", np.array(1.0 / 32768.0, dtype=np.float32)),
        const("s_lo", np.array([0], dtype=np.int64)),
        const("s_mid", np.array([hidden], dtype=np.int64)),
        const("s_hi", np.array([state_dim], dtype=np.int64)),
        const("s_axis", np.array([1], dtype=np.int64)),
        const("decay", np.array(0.5, dtype=np.float32)),
    ]
    nodes = [
        helper.make_node("Cast", ["signal"], ["x_f"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["x_f", "frame_shape"], ["x_frames"]),
        helper.make_node("Mul", ["x_frames", "scale"], ["x_norm"]),
        helper.make_node("MatMul", ["x_norm", "w_in"], ["proj"]),
        helper.make_node("Cast", ["state"], ["state_f"], to=TensorProto.FLOAT),
        helper.make_node("Slice", ["state_f", "s_lo", "s_mid", "s_axis"], ["state_h"]),
        helper.make_node("Slice", ["state_f", "s_mid", "s_hi", "s_axis"], ["state_rest"]),
        helper.make_node("MatMul", ["state_h", "w_state"], ["state_proj"]),
        helper.make_node("Unsqueeze", ["state_proj", "s_axis"], ["state_b"]),
        helper.make_node("Add", ["proj", "state_b"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),
        helper.make_node("MatMul", ["h", "w_out"], ["logits0"]),
        helper.make_node("Add", ["logits0", "b_out"], ["logits"]),
        helper.make_node("LogSoftmax", ["logits"], ["log_probs"], axis=-1),
        helper.make_node("ReduceMean", ["h"], ["h_mean"], axes=[1], keepdims=0),
        helper.make_node("Mul", ["state_rest", "decay"], ["rest_decayed"]),
        helper.make_node("Concat", ["h_mean", "rest_decayed"], ["next_f"], axis=1),
        helper.make_node("Cast", ["next_f"], ["next_state"], to=TensorProto.FLOAT16),
    ]
    graph = helper.make_graph(
        nodes,
        "earshot_tone_ctc_random",
        [
            helper.make_tensor_value_info("signal", TensorProto.INT32, ["N", num_samples, 1]),
            helper.make_tensor_value_info("state", TensorProto.FLOAT16, ["N", state_dim]),
        ],
        [
            helper.make_tensor_value_info("log_probs", TensorProto.FLOAT, ["N", frames_per_chunk, vocab]),
            helper.make_tensor_value_info("next_state", TensorProto.FLOAT16, ["N", state_dim]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    model.ir_version = 7
    for k, v in {
        "model_type": "t_one_ctc",
        "frame_length_ms": str(frame_length_ms),
        "state_dim": str(state_dim),
        "sample_rate": str(sample_rate),
        "comment": "random weights, test fixture only",
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--sample-rate", type=int, default=16000)
    p.add_argument("--frame-length-ms", type=int, default=300)
    p.add_argument("--frames-per-chunk", type=int, default=10)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--state-dim", type=int, default=64)
    p.add_argument("--seed", type=int, default=3)
    a = p.parse_args()
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = build(a.sample_rate, a.frame_length_ms, a.frames_per_chunk, a.hidden, a.state_dim, a.seed)
    onnx.save(model, str(out / "model.onnx"))
    with open(out / "tokens.txt", "w", encoding="utf-8") as f:
        for i, t in enumerate(TOKENS):
            # T-one writes the word separator as a line holding only the id.
            f.write(f"{i}\n" if t == " " else f"{t} {i}\n")
    (out / "README.md").write_text(
        "Random-weight T-one-format streaming CTC model (test fixture, not a speech model).\n"
        f"Generated by scripts/testmodels/make_tone_ctc.py --sample-rate {a.sample_rate} --seed {a.seed}.\n"
    )


if __name__ == "__main__":
    main()
