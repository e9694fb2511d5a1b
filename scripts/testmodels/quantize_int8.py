#!/usr/bin/env python3
"""Write an int8 copy of a random-weight fixture's ONNX file (model.onnx → model.int8.onnx,
encoder.onnx → encoder.int8.onnx, ...) the way onnxruntime's
quantize_dynamic does it (which sherpa-onnx's and icefall's exports use, and which is not
installed here): every MatMul whose weight is an initializer becomes DynamicQuantizeLinear on
the activations (uint8, per tensor, at run time) + MatMulInteger with the weight quantised to
uint8 (asymmetric, per tensor) + the float rescale. The rest of the graph and the metadata stay.

Usage: /usr/bin/python3 scripts/testmodels/quantize_int8.py MODEL.onnx [MORE.onnx ...]
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_weight(w):
    lo = min(float(w.min()), 0.0)
    hi = max(float(w.max()), 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(round(-lo / scale))
    q = np.clip(np.round(w / scale) + zp, 0, 255).astype(np.uint8)
    return q, np.float32(scale), np.uint8(zp)


def main():
    for path in sys.argv[1:]:
        quantize(Path(path))


def quantize(path):
    m = onnx.load(str(path))
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    for node in g.node:
        if node.op_type != "MatMul" or node.input[1] not in inits:
            nodes.append(node)
            continue
        a, w_name = node.input
        w = numpy_helper.to_array(inits[w_name])
        q, scale, zp = quantize_weight(w)
        p = f"{w_name}_q"
        g.initializer.extend([
            numpy_helper.from_array(q, p),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), p + "_scale"),
            numpy_helper.from_array(np.array(zp, dtype=np.uint8), p + "_zp"),
        ])
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [p + "_a", p + "_a_scale", p + "_a_zp"]),
            helper.make_node("MatMulInteger", [p + "_a", p, p + "_a_zp", p + "_zp"], [p + "_i32"]),
            helper.make_node("Cast", [p + "_i32"], [p + "_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "_a_scale", p + "_scale"], [p + "_s"]),
            helper.make_node("Mul", [p + "_f", p + "_s"], list(node.output)),
        ]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    onnx.checker.check_model(m)
    onnx.save(m, str(path.with_name(path.stem + ".int8.onnx")))


if __name__ == "__main__":
    main()
