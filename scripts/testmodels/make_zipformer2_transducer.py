#!/usr/bin/env python3
"""Build a tiny random-weight streaming transducer in sherpa-onnx's `zipformer2` format:
encoder.onnx / decoder.onnx / joiner.onnx / tokens.txt with exactly the inputs, outputs,
state tensors (6 per encoder layer + embed_states + processed_lens) and metadata that
sherpa-onnx's OnlineZipformer2TransducerModel reads. The network inside is not a zipformer:
it is a small random projection whose outputs depend on the features and on the carried
states, which is what a token-for-token comparison of two decoders needs.

Usage: /usr/bin/python3 scripts/testmodels/make_zipformer2_transducer.py OUT_DIR [--v1]
  --v1: the same in sherpa-onnx's `zipformer` (v1) encoder format instead.
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FEAT = 80
DECODE_CHUNK = 32  # feature frames consumed per chunk
T = DECODE_CHUNK + 13  # feature frames fed per chunk (right context, as icefall exports)
SUB = 4
D = 16  # encoder/decoder/joiner dim
CONTEXT = 2
ENC_DIMS = [16, 16]
LAYERS = [1, 1]
QH = [4, 4]
VH = [4, 4]
HEADS = [2, 2]
KERNELS = [3, 3]
LEFT = [8, 4]
EMBED = (((FEAT - 1) // 2) - 1) // 2
TOKENS = ["<blk>", "<sos/eos>", "<unk>"] + ["▁" + c for c in "ATSIWHOBMFCDLPRNEGUY"] + list("ESTRNDLY")


def c(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def meta(model, items):
    for k, v in items.items():
        e = model.metadata_props.add()
        e.key, e.value = k, str(v)


def save(model, path):
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def chunk_projection(rng):
    """What both encoder layouts share: drop the right-context frames, project stacked frames to
    the joiner dimension ("proj" [N, T', D]) and summarise the chunk per stream ("x_mean" [N]).
    Returns (initializers, nodes); w_in is the encoder's first random draw."""
    inits = [
        c("w_in", (rng.standard_normal((SUB * FEAT, D)) * 0.6 / np.sqrt(SUB * FEAT)).astype(np.float32)),
        c("feat_shift", np.array(8.0, dtype=np.float32)),
        c("sub_shape", np.array([0, DECODE_CHUNK // SUB, SUB * FEAT], dtype=np.int64)),
        c("starts", np.array([0], dtype=np.int64)),
        c("ends", np.array([DECODE_CHUNK], dtype=np.int64)),
        c("axis1", np.array([1], dtype=np.int64)),
        c("half", np.array(0.5, dtype=np.float32)),
        c("gain", np.array(2.0, dtype=np.float32)),
        c("n_1_1", np.array([-1, 1, 1], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Slice", ["x", "starts", "ends", "axis1"], ["x_main"]),
        helper.make_node("Add", ["x_main", "feat_shift"], ["x_shift"]),
        helper.make_node("Reshape", ["x_shift", "sub_shape"], ["x_sub"]),
        helper.make_node("MatMul", ["x_sub", "w_in"], ["proj"]),
        helper.make_node("ReduceMean", ["x_shift"], ["x_mean"], axes=[1, 2], keepdims=0),  # [N]
    ]
    return inits, nodes


def encoder(rng):
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", T, FEAT])]
    outputs = [helper.make_tensor_value_info("encoder_out", TensorProto.FLOAT, ["N", DECODE_CHUNK // SUB, D])]
    nodes, inits = [], []
    states = []  # (name, shape with N, batch axis)
    layer = 0
    for i, n_layers in enumerate(LAYERS):
        key_dim, val_dim, nl = QH[i] * HEADS[i], VH[i] * HEADS[i], 3 * ENC_DIMS[i] // 4
        for _ in range(n_layers):
            states += [
                (f"cached_key_{layer}", [LEFT[i], "N", key_dim], 1),
                (f"cached_nonlin_attn_{layer}", [1, "N", LEFT[i], nl], 1),
                (f"cached_val1_{layer}", [LEFT[i], "N", val_dim], 1),
                (f"cached_val2_{layer}", [LEFT[i], "N", val_dim], 1),
                (f"cached_conv1_{layer}", ["N", ENC_DIMS[i], KERNELS[i] // 2], 0),
                (f"cached_conv2_{layer}", ["N", ENC_DIMS[i], KERNELS[i] // 2], 0),
            ]
            layer += 1
    states += [("embed_states", ["N", 128, 3, EMBED], 0)]
    for name, shape, _ in states:
        inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        outputs.append(helper.make_tensor_value_info("new_" + name, TensorProto.FLOAT, shape))
    inputs.append(helper.make_tensor_value_info("processed_lens", TensorProto.INT64, ["N"]))
    outputs.append(helper.make_tensor_value_info("new_processed_lens", TensorProto.INT64, ["N"]))

    shared_inits, shared_nodes = chunk_projection(rng)
    inits += shared_inits + [
        c("decay", np.array(0.9, dtype=np.float32)),
        c("chunk", np.array(DECODE_CHUNK, dtype=np.int64)),
        c("one_n_1", np.array([1, -1, 1], dtype=np.int64)),
        c("n_1_1_1", np.array([-1, 1, 1, 1], dtype=np.int64)),
    ]
    # The per-stream summary of the chunk (x_mean) is fed back into the states.
    nodes += shared_nodes + [
        helper.make_node("Reshape", ["x_mean", "n_1_1"], ["x_mean_b0"]),  # [N,1,1]
        helper.make_node("Reshape", ["x_mean", "one_n_1"], ["x_mean_b1"]),  # [1,N,1]
        helper.make_node("Reshape", ["x_mean", "n_1_1_1"], ["x_mean_b0_4"]),  # [N,1,1,1]
        # States read back: cached_key_0 (batch axis 1) and embed_states (batch axis 0).
        helper.make_node("ReduceMean", ["cached_key_0"], ["key_mean"], axes=[0, 2], keepdims=0),
        helper.make_node("Reshape", ["key_mean", "n_1_1"], ["key_b"]),
        helper.make_node("ReduceMean", ["embed_states"], ["emb_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Reshape", ["emb_mean", "n_1_1"], ["emb_b"]),
        helper.make_node("Sub", ["key_b", "emb_b"], ["mem0"]),
        helper.make_node("Mul", ["mem0", "gain"], ["mem"]),
        helper.make_node("Add", ["proj", "mem"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["encoder_out"]),
        helper.make_node("Add", ["processed_lens", "chunk"], ["new_processed_lens"]),
    ]
    for name, shape, axis in states:
        b = {0: "x_mean_b0", 1: "x_mean_b1"}[axis] if len(shape) == 3 else ("x_mean_b0_4" if axis == 0 else None)
        if b is None:  # cached_nonlin_attn [1, N, L, nl]: batch on axis 1, 4-D
            nodes.append(helper.make_node("Mul", [name, "decay"], ["new_" + name]))
            continue
        nodes += [
            helper.make_node("Mul", [name, "half"], [name + "_h"]),
            helper.make_node("Mul", [b, "half"], [name + "_x"]),
            helper.make_node("Add", [name + "_h", name + "_x"], ["new_" + name]),
        ]
    g = helper.make_graph(nodes, "zipformer2_random_encoder", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, {
        "model_type": "zipformer2", "version": "1", "model_author": "earshot-testmodels",
        "comment": "random weights, test fixture only",
        "decode_chunk_len": DECODE_CHUNK, "T": T,
        "num_encoder_layers": ",".join(map(str, LAYERS)), "encoder_dims": ",".join(map(str, ENC_DIMS)),
        "cnn_module_kernels": ",".join(map(str, KERNELS)), "left_context_len": ",".join(map(str, LEFT)),
        "query_head_dims": ",".join(map(str, QH)), "value_head_dims": ",".join(map(str, VH)),
        "num_heads": ",".join(map(str, HEADS)),
    })
    return m


def encoder_v1(rng):
    """icefall pruned_transducer_stateless7_streaming ("zipformer", v1) state layout, as
    sherpa-onnx's OnlineZipformerTransducerModel: 7 groups (cached_len, cached_avg, cached_key,
    cached_val, cached_val2, cached_conv1, cached_conv2), each one tensor per encoder stack."""
    att = [8, 8]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", T, FEAT])]
    outputs = [helper.make_tensor_value_info("encoder_out", TensorProto.FLOAT, ["N", DECODE_CHUNK // SUB, D])]
    states = []  # (name, shape, batch axis, dtype)
    n = len(LAYERS)
    for i in range(n):
        states.append((f"cached_len_{i}", [LAYERS[i], "N"], 1, TensorProto.INT64))
    for i in range(n):
        states.append((f"cached_avg_{i}", [LAYERS[i], "N", ENC_DIMS[i]], 1, TensorProto.FLOAT))
    for i in range(n):
        states.append((f"cached_key_{i}", [LAYERS[i], LEFT[i], "N", att[i]], 2, TensorProto.FLOAT))
    for i in range(n):
        states.append((f"cached_val_{i}", [LAYERS[i], LEFT[i], "N", att[i] // 2], 2, TensorProto.FLOAT))
    for i in range(n):
        states.append((f"cached_val2_{i}", [LAYERS[i], LEFT[i], "N", att[i] // 2], 2, TensorProto.FLOAT))
    for i in range(n):
        states.append((f"cached_conv1_{i}", [LAYERS[i], "N", ENC_DIMS[i], KERNELS[i] - 1], 1, TensorProto.FLOAT))
    for i in range(n):
        states.append((f"cached_conv2_{i}", [LAYERS[i], "N", ENC_DIMS[i], KERNELS[i] - 1], 1, TensorProto.FLOAT))
    for name, shape, _, dt in states:
        inputs.append(helper.make_tensor_value_info(name, dt, shape))
        outputs.append(helper.make_tensor_value_info("new_" + name, dt, shape))
    inits, nodes = chunk_projection(rng)
    inits.append(c("one64", np.array(1, dtype=np.int64)))
    nodes += [
        # Read back cached_avg_0 [L, N, D] (batch axis 1) and cached_key_1 [L, left, N, A] (axis 2).
        helper.make_node("ReduceMean", ["cached_avg_0"], ["avg_mean"], axes=[0, 2], keepdims=0),
        helper.make_node("ReduceMean", ["cached_key_1"], ["key_mean"], axes=[0, 1, 3], keepdims=0),
        helper.make_node("Sub", ["avg_mean", "key_mean"], ["mem0"]),
        helper.make_node("Reshape", ["mem0", "n_1_1"], ["mem1"]),
        helper.make_node("Mul", ["mem1", "gain"], ["mem"]),
        helper.make_node("Add", ["proj", "mem"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["encoder_out"]),
    ]
    for name, shape, axis, dt in states:
        if dt == TensorProto.INT64:
            nodes.append(helper.make_node("Add", [name, "one64"], ["new_" + name]))
            continue
        bshape = [1] * len(shape)
        bshape[axis] = -1
        inits.append(c(name + "_bshape", np.array(bshape, dtype=np.int64)))
        nodes += [
            helper.make_node("Reshape", ["x_mean", name + "_bshape"], [name + "_xb"]),
            helper.make_node("Mul", [name, "half"], [name + "_h"]),
            helper.make_node("Mul", [name + "_xb", "half"], [name + "_x"]),
            helper.make_node("Add", [name + "_h", name + "_x"], ["new_" + name]),
        ]
    g = helper.make_graph(nodes, "zipformer_v1_random_encoder", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, {
        "model_type": "zipformer", "version": "1", "model_author": "earshot-testmodels",
        "comment": "random weights, test fixture only",
        "decode_chunk_len": DECODE_CHUNK, "T": T,
        "num_encoder_layers": ",".join(map(str, LAYERS)), "encoder_dims": ",".join(map(str, ENC_DIMS)),
        "attention_dims": ",".join(map(str, att)),
        "cnn_module_kernels": ",".join(map(str, KERNELS)), "left_context_len": ",".join(map(str, LEFT)),
    })
    return m


def decoder(rng, vocab):
    emb = (rng.standard_normal((vocab, D)) * 1.0).astype(np.float32)
    inits = [
        c("emb", emb),
        c("zero", np.array(0, dtype=np.int64)),
        c("ctx_w", (rng.standard_normal((CONTEXT, 1)) * 0.8 + 1).astype(np.float32).reshape(1, CONTEXT, 1)),
    ]
    nodes = [
        # icefall's decoder: negative ids (padding) embed to zero.
        helper.make_node("Max", ["y", "zero"], ["y_pos"]),
        helper.make_node("Gather", ["emb", "y_pos"], ["e"]),  # [N, C, D]
        helper.make_node("GreaterOrEqual", ["y", "zero"], ["valid"]),
        helper.make_node("Cast", ["valid"], ["valid_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["valid_f", "axes2"], ["valid_b"]),
        helper.make_node("Mul", ["e", "valid_b"], ["e_masked"]),
        helper.make_node("Mul", ["e_masked", "ctx_w"], ["e_w"]),
        helper.make_node("ReduceSum", ["e_w", "axes1"], ["e_sum"], keepdims=0),
        helper.make_node("Tanh", ["e_sum"], ["decoder_out"]),
    ]
    inits += [c("axes1", np.array([1], dtype=np.int64)), c("axes2", np.array([2], dtype=np.int64))]
    g = helper.make_graph(
        nodes, "zipformer2_random_decoder",
        [helper.make_tensor_value_info("y", TensorProto.INT64, ["N", CONTEXT])],
        [helper.make_tensor_value_info("decoder_out", TensorProto.FLOAT, ["N", D])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, {"vocab_size": vocab, "context_size": CONTEXT})
    return m


def joiner(rng, vocab):
    w = (rng.standard_normal((D, vocab)) * 0.9).astype(np.float32)
    b = np.zeros(vocab, dtype=np.float32)
    b[0] = 2.5  # blank favoured, as in a trained model
    inits = [c("w_j", w), c("b_j", b)]
    nodes = [
        helper.make_node("Add", ["encoder_out", "decoder_out"], ["s"]),
        helper.make_node("Tanh", ["s"], ["h"]),
        helper.make_node("MatMul", ["h", "w_j"], ["l0"]),
        helper.make_node("Add", ["l0", "b_j"], ["logit"]),
    ]
    g = helper.make_graph(
        nodes, "zipformer2_random_joiner",
        [helper.make_tensor_value_info("encoder_out", TensorProto.FLOAT, ["N", D]),
         helper.make_tensor_value_info("decoder_out", TensorProto.FLOAT, ["N", D])],
        [helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["N", vocab])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="earshot-testmodels")
    meta(m, {"joiner_dim": D})
    return m


def main():
    out = Path(sys.argv[1])
    v1 = "--v1" in sys.argv[2:]
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    vocab = len(TOKENS)
    save(encoder_v1(rng) if v1 else encoder(rng), out / "encoder.onnx")
    save(decoder(rng, vocab), out / "decoder.onnx")
    save(joiner(rng, vocab), out / "joiner.onnx")
    (out / "tokens.txt").write_text("".join(f"{t} {i}\n" for i, t in enumerate(TOKENS)), encoding="utf-8")
    kind = "zipformer (v1)" if v1 else "zipformer2"
    (out / "README.md").write_text(
        f"Random-weight streaming transducer in sherpa-onnx's {kind} format (test fixture, not a speech model).\n"
        f"Generated by scripts/testmodels/make_zipformer2_transducer.py{' --v1' if v1 else ''}.\n")


if __name__ == "__main__":
    main()
