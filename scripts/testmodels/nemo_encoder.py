"""The part of NeMo's cache-aware streaming FastConformer export that its CTC and transducer
formats share, as sherpa-onnx reads them (OnlineNeMoCtcModel, OnlineTransducerNeMoModel): the
encoder's inputs, its cache outputs, its metadata, and the random network that stands in for the
conformer. make_nemo_ctc.py and make_nemo_transducer.py differ only in the encoder's head (CTC
log-probabilities or transducer encoder outputs) and what comes after it, so those stay in them.

Names, order and values here are what the committed fixtures (gpu-pool/engine/testdata/nemo-*-random)
were generated with: changing any of them changes those files' bytes.
"""
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
FRAMES = SHIFT // SUB  # encoder frames per chunk
TOKENS = ["<unk>"] + ["▁" + c for c in "ATSIWHOBMFCDLPRNEGUY"] + list("ESTRNDLY") + ["<blk>"]

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def c(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def save(m, path):
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def meta(m, items):
    for k, v in items.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)


def encoder_io(head):
    """Inputs and outputs of the encoder; `head` is its first output (name, shape), the format's own."""
    inputs = [
        helper.make_tensor_value_info("audio_signal", F, ["N", FEAT, "T"]),
        helper.make_tensor_value_info("length", I64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel", F, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time", F, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_len", I64, ["N"]),
    ]
    outputs = [
        helper.make_tensor_value_info(head[0], F, head[1]),
        helper.make_tensor_value_info("encoded_lengths", I64, ["N"]),
        helper.make_tensor_value_info("cache_last_channel_next", F, ["N", LAYERS, CACHE, D]),
        helper.make_tensor_value_info("cache_last_time_next", F, ["N", LAYERS, D, CONV]),
        helper.make_tensor_value_info("cache_last_channel_next_len", I64, ["N"]),
    ]
    return inputs, outputs


def w_in(rng):
    return c("w_in", (rng.standard_normal((SUB * FEAT, D)) * 0.6 / np.sqrt(SUB * FEAT)).astype(np.float32))


def body_inits(gain, decay_names):
    """Constants of the shared network after the format's weights; `gain` scales the carried memory,
    `decay_names` (channel, time) are the names the caches' decay factors were saved under."""
    return [
        c("feat_shift", np.array(8.0, dtype=np.float32)),
        c("sub_shape", np.array([0, FRAMES, SUB * FEAT], dtype=np.int64)),
        c("starts", np.array([PRE], dtype=np.int64)),
        c("ends", np.array([WINDOW], dtype=np.int64)),
        c("axis1", np.array([1], dtype=np.int64)),
        c("half", np.array(0.5, dtype=np.float32)),
        c("gain", np.array(gain, dtype=np.float32)),
        c("len_gain", np.array(0.05, dtype=np.float32)),
        c("n_1_1", np.array([-1, 1, 1], dtype=np.int64)),
        c("n_1_1_1", np.array([-1, 1, 1, 1], dtype=np.int64)),
        c("pre64", np.array(PRE, dtype=np.int64)),
        c("sub64", np.array(SUB, dtype=np.int64)),
        c("frames64", np.array(FRAMES, dtype=np.int64)),
        c("cache64", np.array(CACHE, dtype=np.int64)),
        c(decay_names[0], np.array(0.5, dtype=np.float32)),
        c(decay_names[1], np.array(0.8, dtype=np.float32)),
    ]


def body_nodes():
    """The chunk's projection, mixed with all three carried states, to `h` [N, T', D]: the head reads it."""
    return [
        helper.make_node("Transpose", ["audio_signal"], ["x"], perm=[0, 2, 1]),  # [N, T, 80]
        helper.make_node("Slice", ["x", "starts", "ends", "axis1"], ["x_main"]),
        helper.make_node("Add", ["x_main", "feat_shift"], ["x_shift"]),
        helper.make_node("Reshape", ["x_shift", "sub_shape"], ["x_sub"]),
        helper.make_node("MatMul", ["x_sub", "w_in"], ["proj"]),
        helper.make_node("ReduceMean", ["x_shift"], ["x_mean"], axes=[1, 2], keepdims=0),  # [N]
        # Memory of earlier chunks: all three states are read back.
        helper.make_node("ReduceMean", ["cache_last_channel"], ["ch_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("ReduceMean", ["cache_last_time"], ["tm_mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Cast", ["cache_last_channel_len"], ["len_f"], to=F),
        helper.make_node("Mul", ["len_f", "len_gain"], ["len_term"]),
        helper.make_node("Sub", ["ch_mean", "tm_mean"], ["mem0"]),
        helper.make_node("Add", ["mem0", "len_term"], ["mem1"]),
        helper.make_node("Reshape", ["mem1", "n_1_1"], ["mem2"]),
        helper.make_node("Mul", ["mem2", "gain"], ["mem"]),
        helper.make_node("Add", ["proj", "mem"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),
    ]


def state_nodes(decay_names, decayed_names):
    """encoded_lengths and the caches' next values; the names are those of body_inits and the
    intermediate (decayed) tensors the fixtures were saved with."""
    nodes = [
        helper.make_node("Sub", ["length", "pre64"], ["len_main"]),
        helper.make_node("Div", ["len_main", "sub64"], ["encoded_lengths"]),
        helper.make_node("Add", ["cache_last_channel_len", "frames64"], ["len_grown"]),
        helper.make_node("Min", ["len_grown", "cache64"], ["cache_last_channel_next_len"]),
        helper.make_node("Reshape", ["x_mean", "n_1_1_1"], ["x_mean_b"]),  # [N,1,1,1]
        helper.make_node("Mul", ["x_mean_b", "half"], ["x_half"]),
    ]
    for cache, decay, decayed in zip(("cache_last_channel", "cache_last_time"), decay_names, decayed_names):
        nodes += [
            helper.make_node("Mul", [cache, decay], [decayed]),
            helper.make_node("Add", [decayed, "x_half"], [cache + "_next"]),
        ]
    return nodes


def encoder_meta(vocab, extra=None):
    """The encoder's metadata as sherpa-onnx reads it; `extra` (the transducer's prediction network
    sizes) goes after the cache sizes, where the fixtures have it."""
    return {
        "vocab_size": vocab - 1, "window_size": WINDOW, "chunk_shift": SHIFT, "normalize_type": "",
        "cache_last_channel_dim1": LAYERS, "cache_last_channel_dim2": CACHE, "cache_last_channel_dim3": D,
        "cache_last_time_dim1": LAYERS, "cache_last_time_dim2": D, "cache_last_time_dim3": CONV,
        **(extra or {}),
        "subsampling_factor": SUB, "model_type": "EncDecHybridRNNTCTCBPEModel", "version": "1",
        "model_author": "earshot-testmodels", "comment": "random weights, test fixture only",
    }


def write_tokens(out):
    (out / "tokens.txt").write_text("".join(f"{t} {i}\n" for i, t in enumerate(TOKENS)), encoding="utf-8")
