"""One ONNX graph that runs several exported punctuation models and averages their logits.

Models trained from different random starts make different mistakes; the mean of their logits
is more often right than either (a logit ensemble, unlike average.py's weight mean, which needs
one shared start). The members are put side by side in one graph with the input and outputs of
a single model (`word_ids` -> `punctuation`, `case`), so the gateway's punctuator serves it
unchanged. A member with another vocabulary reads the word ids through a lookup table from the
first member's vocabulary to its own (a word it lacks becomes its unknown id).

--fp16 stores the large weight tensors in half precision with a Cast back to float32 that
onnxruntime folds when it loads the model: half the bytes on disk, the same float32 arithmetic
when it runs (the weights round to 11 significant bits). --int8-embedding stores the word
embedding tables, most of each model's bytes, as int8 with one scale per row. The served model
uses both (scores on check-turns.txt unchanged, models/earshot-punct-en/README.md).

    /usr/bin/python3 scripts/punctuation/ensemble.py A B [--weights 0.5,0.5] [--fp16] [--int8-embedding] --out FOLDER
    npx tsx scripts/punctuation/check.ts FOLDER

A and B are folders holding model.onnx, vocab.txt and config.json; FOLDER gets the ensemble's
model.onnx, A's vocab.txt and a config.json naming its members.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from members import add_member_args, members

LABEL_KEYS = ("punctuation", "cases", "pad", "unknown", "number")
# tensors smaller than this stay float32: biases and heads are a few kB, casting them saves nothing
FP16_MIN_ELEMENTS = 4096


def prefixed(model, prefix, word_ids):
    """The member's nodes and initialisers with every tensor name under `prefix`, reading `word_ids`."""
    graph = model.graph
    # older exporters list initialisers among the inputs too; only the real input is word_ids
    inputs = {i.name for i in graph.input} - {i.name for i in graph.initializer}

    def rename(name):
        if name == "":
            return name
        return word_ids if name in inputs else prefix + name

    nodes = []
    for node in graph.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = prefix + (node.name or node.op_type)
        del copy.input[:]
        copy.input.extend(rename(n) for n in node.input)
        del copy.output[:]
        copy.output.extend(rename(n) for n in node.output)
        nodes.append(copy)
    initializers = []
    for init in graph.initializer:
        copy = onnx.TensorProto()
        copy.CopyFrom(init)
        copy.name = prefix + init.name
        initializers.append(copy)
    return nodes, initializers


def to_fp16(nodes, initializers):
    """Large float32 initialisers stored as float16, each read through a Cast to float32."""
    kept, casts = [], []
    for init in initializers:
        array = numpy_helper.to_array(init)
        if init.data_type != TensorProto.FLOAT or array.size < FP16_MIN_ELEMENTS:
            kept.append(init)
            continue
        half = init.name + "/fp16"
        kept.append(numpy_helper.from_array(array.astype(np.float16), half))
        casts.append(helper.make_node("Cast", [half], [init.name], name=half + "/cast", to=TensorProto.FLOAT))
    return casts + nodes, kept


def int8_embeddings(nodes, initializers):
    """Embedding tables (initialisers read only by a Gather on axis 0) stored as int8, one scale per row.

    A row is looked up, then scaled back: Gather(int8 table) -> Cast -> Mul by Gather(row scales),
    so each entry is off by at most half a step, a step being its row's largest magnitude / 127.
    """
    readers = {}
    for node in nodes:
        for position, name in enumerate(node.input):
            readers.setdefault(name, []).append((node, position))
    tables = {}
    for init in initializers:
        uses = readers.get(init.name, [])
        if init.data_type == TensorProto.FLOAT and len(init.dims) == 2 and uses and all(
                n.op_type == "Gather" and position == 0 and all(a.i == 0 for a in n.attribute if a.name == "axis")
                for n, position in uses):
            tables[init.name] = init
    kept = [i for i in initializers if i.name not in tables]
    out = []
    for node in nodes:
        if node.op_type != "Gather" or node.input[0] not in tables:
            out.append(node)
            continue
        name, ids, vectors = node.input[0], node.input[1], node.output[0]
        if name + "/int8" not in {i.name for i in kept}:
            table = numpy_helper.to_array(tables[name])
            scale = np.maximum(np.abs(table).max(axis=1), 1e-12) / 127.0
            kept.append(numpy_helper.from_array(np.round(table / scale[:, None]).astype(np.int8), name + "/int8"))
            kept.append(numpy_helper.from_array(scale[:, None].astype(np.float32), name + "/scale"))
        out += [
            helper.make_node("Gather", [name + "/int8", ids], [vectors + "/int8"], name=node.name + "/int8", axis=0),
            helper.make_node("Cast", [vectors + "/int8"], [vectors + "/unscaled"], name=node.name + "/cast",
                             to=TensorProto.FLOAT),
            helper.make_node("Gather", [name + "/scale", ids], [vectors + "/scale"], name=node.name + "/scale", axis=0),
            helper.make_node("Mul", [vectors + "/unscaled", vectors + "/scale"], [vectors], name=node.name + "/mul"),
        ]
    return out, kept


def main():
    ap = argparse.ArgumentParser()
    add_member_args(ap)
    ap.add_argument("--fp16", action="store_true", help="store large weights in half precision")
    ap.add_argument("--int8-embedding", action="store_true",
                    help="store the word embedding tables as int8 with one scale per row")
    args = ap.parse_args()
    folders, weights = members(args)
    configs = [json.loads((f / "config.json").read_text()) for f in folders]
    for f, c in zip(folders[1:], configs[1:]):
        if any(c[k] != configs[0][k] for k in ("punctuation", "cases")):
            sys.exit(f"{f}: other labels; members must predict the same marks and cases in the same order")
    vocab = (folders[0] / "vocab.txt").read_text().split("\n")[:-1]

    nodes, initializers, punct_terms, case_terms = [], [], [], []
    for k, (folder, config, weight) in enumerate(zip(folders, configs, weights)):
        prefix = f"m{k}/"
        member_vocab = (folder / "vocab.txt").read_text().split("\n")[:-1]
        word_ids = "word_ids"
        if member_vocab != vocab:
            index = {w: i for i, w in enumerate(member_vocab)}
            table = np.array([index.get(w, config["unknown"]) for w in vocab], dtype=np.int64)
            for key in ("pad", "unknown", "number"):
                table[configs[0][key]] = config[key]
            initializers.append(numpy_helper.from_array(table, prefix + "vocab_map"))
            word_ids = prefix + "word_ids"
            nodes.append(helper.make_node("Gather", [prefix + "vocab_map", "word_ids"], [word_ids],
                                          name=prefix + "vocab_map/gather", axis=0))
        member = onnx.load(str(folder / "model.onnx"))
        member_nodes, member_inits = prefixed(member, prefix, word_ids)
        nodes += member_nodes
        initializers += member_inits
        for output, terms in (("punctuation", punct_terms), ("case", case_terms)):
            scale = prefix + output + "/weight"
            initializers.append(numpy_helper.from_array(np.array(weight, dtype=np.float32), scale))
            nodes.append(helper.make_node("Mul", [prefix + output, scale], [prefix + output + "/weighted"],
                                          name=prefix + output + "/weighted"))
            terms.append(prefix + output + "/weighted")
    for output, terms in (("punctuation", punct_terms), ("case", case_terms)):
        nodes.append(helper.make_node("Sum", terms, [output], name=output + "/mean"))
    if args.int8_embedding:
        nodes, initializers = int8_embeddings(nodes, initializers)
    if args.fp16:
        nodes, initializers = to_fp16(nodes, initializers)

    first = onnx.load(str(folders[0] / "model.onnx"))
    graph = helper.make_graph(nodes, "punctuation_ensemble", list(first.graph.input), list(first.graph.output),
                              initializers)
    model = helper.make_model(graph, opset_imports=list(first.opset_import), producer_name="earshot ensemble.py")
    model.ir_version = first.ir_version
    onnx.checker.check_model(model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out / "model.onnx"))
    shutil.copy(folders[0] / "vocab.txt", out / "vocab.txt")
    summary = {k: configs[0][k] for k in LABEL_KEYS}
    summary["ensemble_of"] = [
        {"weight": round(w, 4), "folder": str(f), "seed": c.get("seed"), "order_seed": c.get("order_seed"),
         "steps": c.get("steps"), "init": c.get("init"), "dim": c.get("dim"), "hidden": c.get("hidden"),
         "comma_bias": c.get("comma_bias")} for w, f, c in zip(weights, folders, configs)]
    summary["fp16_weights"] = args.fp16
    summary["int8_embedding"] = args.int8_embedding
    (out / "config.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{len(folders)} members, {(out / 'model.onnx').stat().st_size / 1e6:.1f} MB -> {out}")


if __name__ == "__main__":
    sys.exit(main())
