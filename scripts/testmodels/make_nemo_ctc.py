#!/usr/bin/env python3
"""Build a tiny random-weight model in the format of NeMo's cache-aware streaming FastConformer
CTC as sherpa-onnx exports it (scripts/nemo/fast-conformer-hybrid-transducer-ctc/export-onnx-ctc.py)
and reads it (OnlineNeMoCtcModel): model.onnx + tokens.txt with exactly its inputs, outputs,
states and metadata.

  inputs  audio_signal [N, 80, window_size] (fbank, feature-major), length [N] int64,
          cache_last_channel [N, layers, cache, d_model], cache_last_time [N, layers, d_model, conv],
          cache_last_channel_len [N] int64
  outputs logprobs [N, chunk_shift / 8, V], encoded_lengths [N] int64, then the three caches' next values
  metadata vocab_size (without the blank, which is the last id), window_size, chunk_shift,
          subsampling_factor 8, normalize_type, cache_last_channel_dim1..3, cache_last_time_dim1..3,
          model_type EncDecHybridRNNTCTCBPEModel
  tokens  BPE pieces, <blk> last

The network inside is not a conformer: a random projection of the chunk (the first
window_size - chunk_shift frames are the pre-encode cache and are dropped) whose output also
depends on all three carried states, which is what a token-for-token comparison needs.

Usage: /usr/bin/python3 scripts/testmodels/make_nemo_ctc.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FEAT = 80
SUB = 8
SHIFT = 48  # feature frames per chunk (480 ms)
PRE = 9  # pre-encode cache frames
WINDOW = SHIFT + PRE
D = 16  # d_model
LAYERS = 2
CACHE = 8  # last_channel_cache_size
CONV = 4  # conv_context_size
TOKENS = ["<unk>"] + ["▁" + c for c in "ATSIWHOBMFCDLPRNEGUY"] + list("ESTRNDLY") + ["<blk>"]


def c(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def build(rng):
    vocab = len(TOKENS)
    frames = SHIFT // SUB
    f = TensorProto.FLOAT
    i64 = TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("audio_signal", f, ["N", FEAT, "T"]),
        helper.make_tensor_value_info("length", i64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel", f, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time", f, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_len", i64, ["N"]),
    ]
    outputs = [
        helper.make_tensor_value_info("logprobs", f, ["N", frames, vocab]),
        helper.make_tensor_value_info("encoded_lengths", i64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel_next", f, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time_next", f, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_next_len", i64, ["N"]),
    ]
    b = np.zeros(vocab, dtype=np.float32)
    b[vocab - 1] = 1.5  # blank favoured, as in a trained model
    inits = [
        c("w_in", (rng.standard_normal((SUB * FEAT, D)) * 0.6 / np.sqrt(SUB * FEAT)).astype(np.float32)),
        c("w_ctc", (rng.standard_normal((D, vocab)) * 1.6).astype(np.float32)),
        c("b_ctc", b),
        c("feat_shift", np.array(8.0, dtype=np.float32)),
        c("sub_shape", np.array([0, frames, SUB * FEAT], dtype=np.int64)),
        c("starts", np.array([PRE], dtype=np.int64)),
        c("ends", np.array([WINDOW], dtype=np.int64)),
        c("axis1", np.array([1], dtype=np.int64)),
        c("half", np.array(0.5, dtype=np.float32)),
        c("gain", np.array(2.0, dtype=np.float32)),
        c("len_gain", np.array(0.05, dtype=np.float32)),
        c("n_1_1", np.array([-1, 1, 1], dtype=np.int64)),
        c("n_1_1_1", np.array([-1, 1, 1, 1], dtype=np.int64)),
        c("pre64", np.array(PRE, dtype=np.int64)),
        c("sub64", np.array(SUB, dtype=np.int64)),
        c("frames64", np.array(frames, dtype=np.int64)),
        c("cache64", np.array(CACHE, dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Transpose", ["audio_signal"], ["x"], perm=[0, 2, 1]),  # [N, T, 80]
        helper.make_node("Slice", ["x", "starts", "ends", "axis1"], ["x_main"]),
        helper.make_node("Add", ["x_main", "feat_shift"], ["x_shift"]),
        helper.make_node("Reshape", ["x_shift", "sub_shape"], ["x_sub"]),
        helper.make_node("MatMul", ["x_sub", "w_in"], ["proj"]),
        helper.make_node("ReduceMean", ["x_shift"], ["x_mean"], axes=[1, 2], keepdims=0),  # [N]
        # Memory of earlier chunks: all three states are read back.
        helper.make_node("ReduceMean", ["cache_last_channel"], ["ch_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("ReduceMean", ["cache_last_time"], ["tm_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Cast", ["cache_last_channel_len"], ["len_f"], to=f),
        helper.make_node("Mul", ["len_f", "len_gain"], ["len_term"]),
        helper.make_node("Sub", ["ch_mean", "tm_mean"], ["mem0"]),
        helper.make_node("Add", ["mem0", "len_term"], ["mem1"]),
        helper.make_node("Reshape", ["mem1", "n_1_1"], ["mem2"]),
        helper.make_node("Mul", ["mem2", "gain"], ["mem"]),
        helper.make_node("Add", ["proj", "mem"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),
        helper.make_node("MatMul", ["h", "w_ctc"], ["l0"]),
        helper.make_node("Add", ["l0", "b_ctc"], ["logits"]),
        helper.make_node("LogSoftmax", ["logits"], ["logprobs"], axis=-1),
        helper.make_node("Sub", ["length", "pre64"], ["len_main"]),
        helper.make_node("Div", ["len_main", "sub64"], ["encoded_lengths"]),
        helper.make_node("Add", ["cache_last_channel_len", "frames64"], ["len_grown"]),
        helper.make_node("Min", ["len_grown", "cache64"], ["cache_last_channel_next_len"]),
        helper.make_node("Reshape", ["x_mean", "n_1_1_1"], ["x_mean_b"]),  # [N,1,1,1]
        helper.make_node("Mul", ["x_mean_b", "half"], ["x_half"]),
    ]
    for name, coeff in (("cache_last_channel", 0.5), ("cache_last_time", 0.8)):
        inits.append(c(name + "_decay", np.array(coeff, dtype=np.float32)))
        nodes += [
            helper.make_node("Mul", [name, name + "_decay"], [name + "_d"]),
            helper.make_node("Add", [name + "_d", "x_half"], [name + "_next"]),
        ]
    g = helper.make_graph(nodes, "nemo_ctc_random", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta = {
        "vocab_size": vocab - 1, "window_size": WINDOW, "chunk_shift": SHIFT, "normalize_type": "",
        "cache_last_channel_dim1": LAYERS, "cache_last_channel_dim2": CACHE, "cache_last_channel_dim3": D,
        "cache_last_time_dim1": LAYERS, "cache_last_time_dim2": D, "cache_last_time_dim3": CONV,
        "subsampling_factor": SUB, "model_type": "EncDecHybridRNNTCTCBPEModel", "version": "1",
        "model_author": "earshot-testmodels", "comment": "random weights, test fixture only",
    }
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    return m


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    m = build(np.random.default_rng(17))
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, str(out / "model.onnx"))
    (out / "tokens.txt").write_text("".join(f"{t} {i}\n" for i, t in enumerate(TOKENS)), encoding="utf-8")
    (out / "README.md").write_text(
        "Random-weight model in NeMo's cache-aware streaming FastConformer CTC format as sherpa-onnx reads it "
        "(test fixture, not a speech model).\nGenerated by scripts/testmodels/make_nemo_ctc.py.\n")


if __name__ == "__main__":
    main()
