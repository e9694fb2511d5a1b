#!/usr/bin/env python3
"""Build a tiny random-weight model in the format of NeMo's cache-aware streaming FastConformer
transducer as sherpa-onnx exports it (scripts/nemo/fast-conformer-hybrid-transducer-ctc/
export-onnx-transducer.py) and reads it (OnlineTransducerNeMoModel + its greedy search):
encoder.onnx, decoder.onnx, joiner.onnx, tokens.txt with exactly their inputs, outputs, states
and metadata.

  encoder in   audio_signal [N, 80, window_size], length [N] int64, cache_last_channel
               [N, layers, cache, d_model], cache_last_time [N, layers, d_model, conv],
               cache_last_channel_len [N] int64
          out  outputs [N, d_model, chunk_shift / 8] (feature-major), encoded_lengths, the three next caches
          meta as the CTC export, plus pred_rnn_layers, pred_hidden
  decoder in   targets [N, 1] int32, target_length [N] int32, states [layers, N, hidden] x 2 (LSTM h, c)
          out  outputs [N, hidden, 1], prednet_lengths [N] int32, the two next states
  joiner  in   encoder_outputs [N, d_model, 1], decoder_outputs [N, hidden, 1]
          out  outputs [N, 1, 1, V] (logits)
  tokens  BPE pieces, <blk> last (V = vocab_size + 1)

The networks are random, not a conformer and an LSTM: outputs depend on the features, on all
encoder caches and on both decoder states, which is what a token-for-token comparison needs.

Usage: /usr/bin/python3 scripts/testmodels/make_nemo_transducer.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_nemo_ctc import CACHE, CONV, D, FEAT, LAYERS, PRE, SHIFT, SUB, TOKENS, WINDOW, c  # noqa: E402

PRED_LAYERS = 2
HIDDEN = D  # the joiner adds encoder and decoder outputs
F = TensorProto.FLOAT
I64 = TensorProto.INT64
I32 = TensorProto.INT32


def save(m, path):
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def meta(m, items):
    for k, v in items.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)


def encoder(rng, vocab):
    frames = SHIFT // SUB
    inputs = [
        helper.make_tensor_value_info("audio_signal", F, ["N", FEAT, "T"]),
        helper.make_tensor_value_info("length", I64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel", F, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time", F, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_len", I64, ["N"]),
    ]
    outputs = [
        helper.make_tensor_value_info("outputs", F, ["N", D, frames]),
        helper.make_tensor_value_info("encoded_lengths", I64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel_next", F, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time_next", F, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_next_len", I64, ["N"]),
    ]
    inits = [
        c("w_in", (rng.standard_normal((SUB * FEAT, D)) * 0.6 / np.sqrt(SUB * FEAT)).astype(np.float32)),
        c("feat_shift", np.array(8.0, dtype=np.float32)),
        c("sub_shape", np.array([0, frames, SUB * FEAT], dtype=np.int64)),
        c("starts", np.array([PRE], dtype=np.int64)),
        c("ends", np.array([WINDOW], dtype=np.int64)),
        c("axis1", np.array([1], dtype=np.int64)),
        c("half", np.array(0.5, dtype=np.float32)),
        c("gain", np.array(0.5, dtype=np.float32)),
        c("len_gain", np.array(0.05, dtype=np.float32)),
        c("n_1_1", np.array([-1, 1, 1], dtype=np.int64)),
        c("n_1_1_1", np.array([-1, 1, 1, 1], dtype=np.int64)),
        c("pre64", np.array(PRE, dtype=np.int64)),
        c("sub64", np.array(SUB, dtype=np.int64)),
        c("frames64", np.array(frames, dtype=np.int64)),
        c("cache64", np.array(CACHE, dtype=np.int64)),
        c("ch_decay", np.array(0.5, dtype=np.float32)),
        c("tm_decay", np.array(0.8, dtype=np.float32)),
    ]
    nodes = [
        helper.make_node("Transpose", ["audio_signal"], ["x"], perm=[0, 2, 1]),
        helper.make_node("Slice", ["x", "starts", "ends", "axis1"], ["x_main"]),
        helper.make_node("Add", ["x_main", "feat_shift"], ["x_shift"]),
        helper.make_node("Reshape", ["x_shift", "sub_shape"], ["x_sub"]),
        helper.make_node("MatMul", ["x_sub", "w_in"], ["proj"]),
        helper.make_node("ReduceMean", ["x_shift"], ["x_mean"], axes=[1, 2], keepdims=0),
        helper.make_node("ReduceMean", ["cache_last_channel"], ["ch_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("ReduceMean", ["cache_last_time"], ["tm_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Cast", ["cache_last_channel_len"], ["len_f"], to=F),
        helper.make_node("Mul", ["len_f", "len_gain"], ["len_term"]),
        helper.make_node("Sub", ["ch_mean", "tm_mean"], ["mem0"]),
        helper.make_node("Add", ["mem0", "len_term"], ["mem1"]),
        helper.make_node("Reshape", ["mem1", "n_1_1"], ["mem2"]),
        helper.make_node("Mul", ["mem2", "gain"], ["mem"]),
        helper.make_node("Add", ["proj", "mem"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),  # [N, T', D]
        helper.make_node("Transpose", ["h"], ["outputs"], perm=[0, 2, 1]),
        helper.make_node("Sub", ["length", "pre64"], ["len_main"]),
        helper.make_node("Div", ["len_main", "sub64"], ["encoded_lengths"]),
        helper.make_node("Add", ["cache_last_channel_len", "frames64"], ["len_grown"]),
        helper.make_node("Min", ["len_grown", "cache64"], ["cache_last_channel_next_len"]),
        helper.make_node("Reshape", ["x_mean", "n_1_1_1"], ["x_mean_b"]),
        helper.make_node("Mul", ["x_mean_b", "half"], ["x_half"]),
        helper.make_node("Mul", ["cache_last_channel", "ch_decay"], ["ch_d"]),
        helper.make_node("Add", ["ch_d", "x_half"], ["cache_last_channel_next"]),
        helper.make_node("Mul", ["cache_last_time", "tm_decay"], ["tm_d"]),
        helper.make_node("Add", ["tm_d", "x_half"], ["cache_last_time_next"]),
    ]
    g = helper.make_graph(nodes, "nemo_transducer_random_encoder", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, {
        "vocab_size": vocab - 1, "window_size": WINDOW, "chunk_shift": SHIFT, "normalize_type": "",
        "cache_last_channel_dim1": LAYERS, "cache_last_channel_dim2": CACHE, "cache_last_channel_dim3": D,
        "cache_last_time_dim1": LAYERS, "cache_last_time_dim2": D, "cache_last_time_dim3": CONV,
        "pred_rnn_layers": PRED_LAYERS, "pred_hidden": HIDDEN,
        "subsampling_factor": SUB, "model_type": "EncDecHybridRNNTCTCBPEModel", "version": "1",
        "model_author": "earshot-testmodels", "comment": "random weights, test fixture only",
    })
    return m


def decoder(rng, vocab):
    inputs = [
        helper.make_tensor_value_info("targets", I32, ["N", 1]),
        helper.make_tensor_value_info("target_length", I32, ["N"]),
        helper.make_tensor_value_info("states.1", F, [PRED_LAYERS, "N", HIDDEN]),
        helper.make_tensor_value_info("onnx::Slice_3", F, [PRED_LAYERS, "N", HIDDEN]),
    ]
    outputs = [
        helper.make_tensor_value_info("outputs", F, ["N", HIDDEN, 1]),
        helper.make_tensor_value_info("prednet_lengths", I32, ["N"]),
        helper.make_tensor_value_info("states", F, [PRED_LAYERS, "N", HIDDEN]),
        helper.make_tensor_value_info("162", F, [PRED_LAYERS, "N", HIDDEN]),
    ]
    inits = [
        c("emb", (rng.standard_normal((vocab, HIDDEN)) * 1.0).astype(np.float32)),
        c("h_gain", np.array(0.6, dtype=np.float32)),
        c("c_gain", np.array(0.4, dtype=np.float32)),
        c("half", np.array(0.5, dtype=np.float32)),
        c("last_start", np.array([PRED_LAYERS - 1], dtype=np.int64)),
        c("last_end", np.array([PRED_LAYERS], dtype=np.int64)),
        c("axis0", np.array([0], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Gather", ["emb", "targets"], ["e"]),  # [N, 1, H]
        helper.make_node("Transpose", ["e"], ["e_b"], perm=[1, 0, 2]),  # [1, N, H]
        helper.make_node("Mul", ["states.1", "h_gain"], ["h_w"]),
        helper.make_node("Mul", ["onnx::Slice_3", "c_gain"], ["c_w"]),
        helper.make_node("Add", ["e_b", "h_w"], ["s0"]),
        helper.make_node("Add", ["s0", "c_w"], ["s1"]),
        helper.make_node("Tanh", ["s1"], ["states"]),  # next h [L, N, H]
        helper.make_node("Mul", ["onnx::Slice_3", "half"], ["c_h"]),
        helper.make_node("Mul", ["e_b", "half"], ["e_h"]),
        helper.make_node("Add", ["c_h", "e_h"], ["162"]),  # next c
        helper.make_node("Slice", ["states", "last_start", "last_end", "axis0"], ["h_last"]),  # [1, N, H]
        helper.make_node("Transpose", ["h_last"], ["outputs"], perm=[1, 2, 0]),  # [N, H, 1]
        helper.make_node("Identity", ["target_length"], ["prednet_lengths"]),
    ]
    g = helper.make_graph(nodes, "nemo_transducer_random_decoder", inputs, outputs, inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")


def joiner(rng, vocab):
    b = np.zeros(vocab, dtype=np.float32)
    b[vocab - 1] = 1.0  # blank favoured, as in a trained model
    inits = [
        c("w_j", (rng.standard_normal((D, vocab)) * 1.4).astype(np.float32)),
        c("b_j", b),
        c("axis2", np.array([2], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Transpose", ["encoder_outputs"], ["enc"], perm=[0, 2, 1]),  # [N, 1, D]
        helper.make_node("Transpose", ["decoder_outputs"], ["dec"], perm=[0, 2, 1]),  # [N, 1, H]
        helper.make_node("Add", ["enc", "dec"], ["s"]),
        helper.make_node("Tanh", ["s"], ["h"]),
        helper.make_node("MatMul", ["h", "w_j"], ["l0"]),
        helper.make_node("Add", ["l0", "b_j"], ["l1"]),  # [N, 1, V]
        helper.make_node("Unsqueeze", ["l1", "axis2"], ["outputs"]),  # [N, 1, 1, V]
    ]
    g = helper.make_graph(
        nodes, "nemo_transducer_random_joiner",
        [helper.make_tensor_value_info("encoder_outputs", F, ["N", D, 1]),
         helper.make_tensor_value_info("decoder_outputs", F, ["N", HIDDEN, 1])],
        [helper.make_tensor_value_info("outputs", F, ["N", 1, 1, vocab])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(23)
    vocab = len(TOKENS)
    save(encoder(rng, vocab), out / "encoder.onnx")
    save(decoder(rng, vocab), out / "decoder.onnx")
    save(joiner(rng, vocab), out / "joiner.onnx")
    (out / "tokens.txt").write_text("".join(f"{t} {i}\n" for i, t in enumerate(TOKENS)), encoding="utf-8")
    (out / "README.md").write_text(
        "Random-weight model in NeMo's cache-aware streaming FastConformer transducer format as sherpa-onnx reads it "
        "(test fixture, not a speech model).\nGenerated by scripts/testmodels/make_nemo_transducer.py.\n")


if __name__ == "__main__":
    main()
