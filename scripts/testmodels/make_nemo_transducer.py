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
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nemo_encoder import D, F, FRAMES, TOKENS, body_inits, body_nodes, c, encoder_io, encoder_meta, meta, save, state_nodes, w_in, write_tokens  # noqa: E402

PRED_LAYERS = 2
HIDDEN = D  # the joiner adds encoder and decoder outputs
I32 = TensorProto.INT32
# Saved under these names in the committed fixture (nemo_encoder.py keeps the bytes as they were).
DECAYS = ("ch_decay", "tm_decay")
DECAYED = ("ch_d", "tm_d")


def encoder(rng, vocab):
    inputs, outputs = encoder_io(("outputs", ["N", D, FRAMES]))
    inits = [w_in(rng)] + body_inits(0.5, DECAYS)
    nodes = body_nodes() + [
        helper.make_node("Transpose", ["h"], ["outputs"], perm=[0, 2, 1]),
    ] + state_nodes(DECAYS, DECAYED)
    g = helper.make_graph(nodes, "nemo_transducer_random_encoder", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, encoder_meta(vocab, {"pred_rnn_layers": PRED_LAYERS, "pred_hidden": HIDDEN}))
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
    write_tokens(out)
    (out / "README.md").write_text(
        "Random-weight model in NeMo's cache-aware streaming FastConformer transducer format as sherpa-onnx reads it "
        "(test fixture, not a speech model).\nGenerated by scripts/testmodels/make_nemo_transducer.py.\n")


if __name__ == "__main__":
    main()
