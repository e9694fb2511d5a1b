"""Stage 5: dynamic int8 weight quantisation of models/earshot-en/model.onnx -> model.int8.onnx.

Done with plain ONNX graph edits (Debian's python3-onnx has no onnxruntime quantiser):
every MatMul whose second input is a constant 2-D initializer W [K, N] becomes

  A_q, a_scale, a_zp = DynamicQuantizeLinear(A)            (uint8, per-tensor, at run time)
  Y_i32 = MatMulInteger(A_q, W_q, a_zp, w_zp)              (W_q int8, symmetric per output column)
  Y = Cast<float>(Y_i32) * (a_scale * w_scale)

Convolutions (front-end DFT, depthwise) and everything else stay float32. Inputs, outputs,
state layout and metadata are unchanged.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from common import MODEL_DIR


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
                wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
                g.initializer.extend([
                    numpy_helper.from_array(wq, f"{base}_Wq"),
                    numpy_helper.from_array(np.zeros(w.shape[1], np.int8), f"{base}_Wzp"),
                    numpy_helper.from_array(scale.astype(np.float32), f"{base}_Wscale"),
                ])
                remove.add(node.input[1])
                a = node.input[0]
                new_nodes += [
                    helper.make_node("DynamicQuantizeLinear", [a], [f"{base}_Aq", f"{base}_As", f"{base}_Azp"]),
                    helper.make_node("MatMulInteger", [f"{base}_Aq", f"{base}_Wq", f"{base}_Azp", f"{base}_Wzp"],
                                     [f"{base}_Y32"]),
                    helper.make_node("Cast", [f"{base}_Y32"], [f"{base}_Yf"], to=TensorProto.FLOAT),
                    helper.make_node("Mul", [f"{base}_As", f"{base}_Wscale"], [f"{base}_S"]),
                    helper.make_node("Mul", [f"{base}_Yf", f"{base}_S"], [node.output[0]]),
                ]
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
