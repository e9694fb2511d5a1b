"""Stage 5: dynamic int8 quantisation of models/earshot-en/model.onnx -> model.int8.onnx.

Done with plain ONNX graph edits (Debian's python3-onnx has no onnxruntime quantiser):
every MatMul whose second input is a constant 2-D initializer W [K, N] becomes, with A seen as
rows of K (one row per stream and frame):

  a_scale = max(|A_row|) / 127                             (per row, at run time)
  A_q = uint8(clip(round(A / a_scale), -127, 127) + 128)   (zero point 128)
  Y_i32 = MatMulInteger(A_q, W_q, 128, w_zp)               (W_q int8, symmetric per output column)
  Y = Cast<float>(Y_i32) * a_scale * w_scale

Why per row and not ONNX's DynamicQuantizeLinear: that computes one scale over the whole input
tensor, i.e. over every stream batched into the call, so a session's transcript would depend on
which other sessions share its batch (measured: log-probabilities moved by up to 0.29 when 27
streams were stacked). One scale per frame row makes each stream's result its own and is also the
finer quantisation. onnxruntime's MatMulInteger takes only a scalar zero point for A, hence the
fixed symmetric 128.

Convolutions (front-end DFT, depthwise) and everything else stay float32. Inputs, outputs,
state layout and metadata are unchanged.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from common import MODEL_DIR


def per_row_quantized_matmul(base, a, y, w_shape, g):
    k, n = w_shape
    g.initializer.extend([
        numpy_helper.from_array(np.array([-1, k], np.int64), f"{base}_rows_shape"),
        numpy_helper.from_array(np.array([n], np.int64), f"{base}_n"),
        numpy_helper.from_array(np.array(1e-12, np.float32), f"{base}_eps"),
        numpy_helper.from_array(np.array(127.0, np.float32), f"{base}_127"),
        numpy_helper.from_array(np.array(-127.0, np.float32), f"{base}_m127"),
        numpy_helper.from_array(np.array(128.0, np.float32), f"{base}_128"),
        numpy_helper.from_array(np.array(128, np.uint8), f"{base}_Azp"),
        numpy_helper.from_array(np.array([0], np.int64), f"{base}_0"),
        numpy_helper.from_array(np.array([-1], np.int64), f"{base}_m1"),
    ])
    node = helper.make_node
    return [
        node("Reshape", [a, f"{base}_rows_shape"], [f"{base}_A2"]),
        node("Abs", [f"{base}_A2"], [f"{base}_Aabs"]),
        node("ReduceMax", [f"{base}_Aabs"], [f"{base}_Amax"], axes=[1], keepdims=1),
        node("Max", [f"{base}_Amax", f"{base}_eps"], [f"{base}_Amax1"]),
        node("Div", [f"{base}_Amax1", f"{base}_127"], [f"{base}_As"]),
        node("Div", [f"{base}_A2", f"{base}_As"], [f"{base}_Ar"]),
        node("Round", [f"{base}_Ar"], [f"{base}_Arr"]),
        node("Clip", [f"{base}_Arr", f"{base}_m127", f"{base}_127"], [f"{base}_Ac"]),
        node("Add", [f"{base}_Ac", f"{base}_128"], [f"{base}_Au"]),
        node("Cast", [f"{base}_Au"], [f"{base}_Aq"], to=TensorProto.UINT8),
        node("MatMulInteger", [f"{base}_Aq", f"{base}_Wq", f"{base}_Azp", f"{base}_Wzp"], [f"{base}_Y32"]),
        node("Cast", [f"{base}_Y32"], [f"{base}_Yf"], to=TensorProto.FLOAT),
        node("Mul", [f"{base}_Yf", f"{base}_As"], [f"{base}_Ya"]),
        node("Mul", [f"{base}_Ya", f"{base}_Wscale"], [f"{base}_Y2"]),
        # back to A's leading dimensions with N columns
        node("Shape", [a], [f"{base}_Ashape"]),
        node("Slice", [f"{base}_Ashape", f"{base}_0", f"{base}_m1"], [f"{base}_lead"]),
        node("Concat", [f"{base}_lead", f"{base}_n"], [f"{base}_Yshape"], axis=0),
        node("Reshape", [f"{base}_Y2", f"{base}_Yshape"], [y]),
    ]


def quantize(src, dst, min_elems=4096):
    m = onnx.load(str(src))
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes = []
    count = 0
    remove = set()
    for node in g.node:
        if node.op_type == "MatMul" and node.input[1] in inits:
            w = numpy_helper.to_array(inits[node.input[1]])
            if w.ndim == 2 and w.size >= min_elems:
                count += 1
                base = f"q{count}"
                scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
                wq = (np.clip(np.round(w / scale), -127, 127) + 128).astype(np.uint8)
                g.initializer.extend([
                    numpy_helper.from_array(wq, f"{base}_Wq"),
                    numpy_helper.from_array(np.full(w.shape[1], 128, np.uint8), f"{base}_Wzp"),
                    numpy_helper.from_array(scale.astype(np.float32), f"{base}_Wscale"),
                ])
                remove.add(node.input[1])
                new_nodes += per_row_quantized_matmul(base, node.input[0], node.output[0], w.shape, g)
                continue
        new_nodes.append(node)
    del g.node[:]
    g.node.extend(new_nodes)
    keep = [i for i in g.initializer if i.name not in remove]
    del g.initializer[:]
    g.initializer.extend(keep)
    for p in m.metadata_props:
        if p.key == "model_name":
            p.value = p.value + "-int8"
    # the fp32 parameter map does not describe this file
    props = [p for p in m.metadata_props if p.key != "earshot_param_map"]
    del m.metadata_props[:]
    m.metadata_props.extend(props)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))
    print(f"quantised {count} MatMuls -> {dst}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=str(MODEL_DIR / "model.onnx"))
    ap.add_argument("--dst", default=str(MODEL_DIR / "model.int8.onnx"))
    args = ap.parse_args()
    quantize(args.src, args.dst)


if __name__ == "__main__":
    main()
