"""Punctuation and casing model for formatted turns (format_turns=true): trains, exports to ONNX.

Input: the words of a final turn as the recogniser emits them (lower case, no punctuation).
Output, per word: the punctuation that follows it (none , . ?) and its case (lower, Capitalised,
UPPER). A word-level bidirectional GRU: a whole final turn is known when it is formatted, so the
model may look both ways.

Text: the punctuated, cased sentences of Debian's text packages that the ASR toolchain already
collects (scripts/model/texts.py -> work-data/texts.jsonl: fortunes, WordNet examples and
glosses, GCIDE definitions and quotations, The Devil's Dictionary, the Jargon File, FOLDOC).
Its 'heldout' rows and the 'composed' rows (sampled word chains, not prose) are never read.
Training examples join 1-4 consecutive sentences of one source into one turn, so the model
learns where sentences end inside a turn, as a speaker's turn often holds several.
That text has few people talking in it: --synthetic N adds N conversational turns written by
scripts/punctuation/conversation.py from general English comma rules (openers such as "well,"
and "thanks,", names said to someone, "please" at the end, clause commas, lists, tag
questions, and the same shapes that take no comma; the speech of a call to a contact centre or a
voice agent; clauses put together, and questions of many shapes). --word-dropout reads a share
of the training words as unknown, so a word outside the vocabulary (a name, a rare noun) still
gets the marks and the case its context asks for. The comma logit is then offset by a bias
chosen on the dev split of this training text (never on the golden set of scripts/eval/format/)
and the bias is written into the exported head, so the served argmax needs no change.

    /usr/bin/python3 scripts/punctuation/train.py            # -> models/earshot-punct-en/
    /usr/bin/python3 scripts/punctuation/train.py --minutes 20 --threads 1
    npx tsx scripts/punctuation/check.ts <out folder>   # scripts/punctuation/check-turns.txt

Everything is drawn from --seed. Output: model.onnx (inputs `word_ids` int64 [1, T]; outputs
`punctuation` float [1, T, 4] and `case` float [1, T, 3], logits), vocab.txt (one word per
line; line k is id k; 0 = padding, 1 = unknown, 2 = a number written in digits), config.json.
"""
import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.optim import swa_utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conversation import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "work-data" / "texts.jsonl"
OUT = ROOT / "models" / "earshot-punct-en"

PUNCTUATION = ["", ",", ".", "?"]
CASES = ["lower", "capital", "upper"]
PAD, UNK, NUM = 0, 1, 2
QUESTION_COPIES = 6
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*")


def mark_in(gap):
    """The one mark a gap between two words is learnt as."""
    if "?" in gap:
        return "?"
    if "." in gap or "!" in gap:
        return "."
    if any(ch in gap for ch in ",;:") or "--" in gap or " - " in gap or "\u2014" in gap:
        return ","
    return ""


def label_words(text):
    """A sentence -> [[word lower-case, punctuation index, case index]], or None if unusable."""
    out = []
    pos = 0
    for m in WORD.finditer(text):
        word = m.group(0).strip("'")
        if not word:
            continue
        if out:
            out[-1][1] = PUNCTUATION.index(mark_in(text[pos:m.start()]))
        case = 2 if word.isupper() and len(word) > 1 else 1 if word[0].isupper() else 0
        out.append([word.lower(), 0, case])
        pos = m.end()
    if len(out) < 2:
        return None
    out[-1][1] = PUNCTUATION.index(mark_in(text[pos:]) or ".")
    if out[-1][1] == 1:
        out[-1][1] = 2
    # a sentence starts with a capital even where the source (WordNet examples) does not write one
    out[0][2] = max(out[0][2], 1)
    # all-capital headlines teach nothing about case
    if sum(c == 2 for _, _, c in out) > len(out) // 2:
        return None
    return out


def load_sentences(seed, synthetic=0, dev_size=2000):
    """-> (train turns, real dev turns, synthetic dev turns); dev turns are never copied into train."""
    by_source = {}
    with open(TEXTS) as f:
        for line in f:
            row = json.loads(line)
            if row["split"] in ("heldout", "composed"):
                continue
            words = label_words(row["text"])
            if words:
                by_source.setdefault(row["source"], []).append(words)
    rng = random.Random(seed)
    unique = []
    for source, sents in sorted(by_source.items()):
        i = 0
        while i < len(sents):
            k = rng.choice([1, 1, 2, 2, 3, 4])
            turn = [w for s in sents[i:i + k] for w in s]
            i += k
            if len(turn) > 80:
                turn = turn[:80]
            unique.append(turn)
    rng.shuffle(unique)
    dev, turns = unique[:dev_size], []
    for turn in unique[dev_size:]:
        # Questions are about 1 % of this text and far more of what people say to a voice
        # agent or a contact centre: a turn with one is seen QUESTION_COPIES times.
        question = any(p == PUNCTUATION.index("?") for _, p, _ in turn)
        turns.extend([turn] * (QUESTION_COPIES if question else 1))
    synth = [t for t in (label_words(x) for x in generate(synthetic, random.Random(seed + 1))) if t]
    synth_dev = synth[:dev_size // 2] if synth else []
    turns.extend(synth[dev_size // 2:])
    rng.shuffle(turns)
    return turns, dev, synth_dev


def build_vocab(turns, size):
    counts = Counter(w for t in turns for w, _, _ in t if not w[0].isdigit())
    return ["<pad>", "<unk>", "<num>"] + [w for w, _ in counts.most_common(size - 3)]


def encode(turn, index):
    ids = [NUM if w[0].isdigit() else index.get(w, UNK) for w, _, _ in turn]
    return ids, [p for _, p, _ in turn], [c for _, _, c in turn]


class Punctuator(nn.Module):
    def __init__(self, vocab, dim, hidden, layers):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.rnn = nn.GRU(dim, hidden, num_layers=layers, batch_first=True, bidirectional=True)
        self.punctuation = nn.Linear(2 * hidden, len(PUNCTUATION))
        self.case = nn.Linear(2 * hidden, len(CASES))

    def forward(self, word_ids):
        h, _ = self.rnn(self.embed(word_ids))
        return self.punctuation(h), self.case(h)


def load_exported(model, folder):
    """The weights of an exported model.onnx (with its config.json) -> model, so a run may go on
    from a served model whose model.pt is gone. The exporter keeps each GRU layer as one node
    with W [directions, 3H, in], R [directions, 3H, H] and B [directions, 6H] in gate order
    z, r, h; PyTorch keeps r, z, n per direction. The comma bias baked into the head is taken off
    again, so training and the bias search see the raw logits."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(Path(folder) / "model.onnx")).graph
    tensors = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    gru = [n for n in graph.node if n.op_type == "GRU"]
    matmul = [n for n in graph.node if n.op_type == "MatMul"]
    add = {i: n for n in graph.node if n.op_type == "Add" for i in n.input}

    def torch_gates(x):  # z, r, h -> r, z, n along the first axis
        third = x.shape[0] // 3
        return torch.cat([x[third:2 * third], x[:third], x[2 * third:]])

    state = {"embed.weight": tensors["embed.weight"]}
    for layer, node in enumerate(gru):
        w, r, b = (tensors[name] for name in node.input[1:4])
        gate_rows = w.shape[1]  # 3H: B holds the input biases, then the recurrent ones
        for direction, suffix in enumerate(["", "_reverse"]):
            state[f"rnn.weight_ih_l{layer}{suffix}"] = torch_gates(w[direction])
            state[f"rnn.weight_hh_l{layer}{suffix}"] = torch_gates(r[direction])
            state[f"rnn.bias_ih_l{layer}{suffix}"] = torch_gates(b[direction, :gate_rows])
            state[f"rnn.bias_hh_l{layer}{suffix}"] = torch_gates(b[direction, gate_rows:])
    for node in matmul:
        weight = tensors[node.input[1]].T.contiguous()
        head = "punctuation" if weight.shape[0] == len(PUNCTUATION) else "case"
        bias_name = next(i for i in add[node.output[0]].input if i in tensors)
        state[f"{head}.weight"] = weight
        state[f"{head}.bias"] = tensors[bias_name].clone()
    baked = json.loads((Path(folder) / "config.json").read_text()).get("comma_bias", 0.0)
    state["punctuation.bias"][1] -= baked
    model.load_state_dict(state)


def batches(data, size, rng, bucket=50):
    """Shuffled batches of turns of similar length (less padding: faster on a CPU)."""
    order = list(range(len(data)))
    rng.shuffle(order)
    groups = []
    for start in range(0, len(order), size * bucket):
        block = sorted(order[start:start + size * bucket], key=lambda i: len(data[i][0]))
        groups.extend(block[k:k + size] for k in range(0, len(block), size))
    rng.shuffle(groups)
    for group in groups:
        chunk = [data[i] for i in group]
        t = max(len(ids) for ids, _, _ in chunk)
        ids = torch.zeros(len(chunk), t, dtype=torch.long)
        punct = torch.full((len(chunk), t), -100, dtype=torch.long)
        case = torch.full((len(chunk), t), -100, dtype=torch.long)
        for row, (a, p, c) in enumerate(chunk):
            ids[row, :len(a)] = torch.tensor(a)
            punct[row, :len(p)] = torch.tensor(p)
            case[row, :len(c)] = torch.tensor(c)
        yield ids, punct, case


def f1_report(model, data, comma_bias=0.0):
    model.eval()
    tp, fp, fn = Counter(), Counter(), Counter()
    case_ok = case_all = 0
    offset = torch.zeros(len(PUNCTUATION))
    offset[1] = comma_bias
    with torch.no_grad():
        for ids, punct, case in batches(data, 256, random.Random(0)):
            p, c = model(ids)
            p, c = (p + offset).argmax(-1), c.argmax(-1)
            mask = punct >= 0
            for k in range(1, len(PUNCTUATION)):
                tp[k] += int(((p == k) & (punct == k) & mask).sum())
                fp[k] += int(((p == k) & (punct != k) & mask).sum())
                fn[k] += int(((p != k) & (punct == k) & mask).sum())
            case_ok += int(((c == case) & mask).sum())
            case_all += int(mask.sum())
    model.train()
    f1 = {}
    for k in range(1, len(PUNCTUATION)):
        prec = tp[k] / max(1, tp[k] + fp[k])
        rec = tp[k] / max(1, tp[k] + fn[k])
        f1[PUNCTUATION[k]] = 2 * prec * rec / max(1e-9, prec + rec)
    return f1, case_ok / max(1, case_all)


def choose_comma_bias(model, dev, name):
    """The offset of the comma logit that gives the best comma F1 on the dev split of the training
    text, among those that keep '.' and '?' within 0.01 of no offset -> (offset, its comma F1)."""
    f1, case_acc = f1_report(model, dev)
    print(f"{name}: final dev F1 {json.dumps({k: round(v, 3) for k, v in f1.items()})} case accuracy {case_acc:.4f}")
    bias, best = 0.0, f1[","]
    for b in [x / 4 for x in range(-4, 13)]:
        fb, _ = f1_report(model, dev, b)
        ok = fb["."] >= f1["."] - 0.01 and fb["?"] >= f1["?"] - 0.01
        print(f"{name}: comma bias {b:+.2f}: dev F1 {json.dumps({k: round(v, 3) for k, v in fb.items()})}{'' if ok else ' (. or ? drops)'}")
        if ok and fb[","] > best + 1e-9:
            bias, best = b, fb[","]
    return bias, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2024, help="draws the text, the dev split and the conversational turns")
    ap.add_argument("--order-seed", type=int,
                    help="draws the batch order and word dropout (default: --seed); runs that go on from one "
                         "model with one --seed and several --order-seed values can be averaged (average.py)")
    ap.add_argument("--vocab", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=80)
    ap.add_argument("--hidden", type=int, default=160)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=25.0, help="wall-clock training budget")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", help="model.pt of an earlier run to go on from, or an exported model.onnx "
                                   "(its vocab.txt is kept)")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--word-dropout", type=float, default=0.05,
                    help="share of training words read as unknown, so a word outside the vocabulary "
                         "(a name, a rare noun) still gets the marks its context asks for")
    ap.add_argument("--synthetic", type=int, default=150000,
                    help="conversational turns from scripts/punctuation/conversation.py (0: none)")
    ap.add_argument("--ema", type=float, default=0.999,
                    help="decay of an exponential moving average of the weights kept beside them "
                         "(0: none); the one of the two with the better dev comma F1 is exported")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    order_seed = args.seed if args.order_seed is None else args.order_seed
    torch.manual_seed(order_seed)
    torch.set_num_threads(args.threads)
    turns, dev_turns, synth_dev_turns = load_sentences(args.seed, args.synthetic)
    if args.init:
        vocab = (Path(args.init).parent / "vocab.txt").read_text().split("\n")[:-1]
    else:
        vocab = build_vocab(turns, args.vocab)
    index = {w: i for i, w in enumerate(vocab)}
    train = [encode(t, index) for t in turns]
    dev_real = [encode(t, index) for t in dev_turns]
    dev_synth = [encode(t, index) for t in synth_dev_turns]
    dev = dev_real + dev_synth
    print(f"{len(train)} training turns, {sum(len(d[0]) for d in train)} words; vocab {len(vocab)}", flush=True)
    model = Punctuator(len(vocab), args.dim, args.hidden, args.layers)
    if args.init and args.init.endswith(".onnx"):
        load_exported(model, Path(args.init).parent)
    elif args.init:
        model.load_state_dict(torch.load(args.init))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    ema = None
    if args.ema > 0:
        decay = args.ema
        ema = swa_utils.AveragedModel(model, avg_fn=lambda avg, now, _n: decay * avg + (1 - decay) * now)
    # marks are rarer than 'no mark': weight them up so recall does not collapse
    punct_loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 2.0, 3.0]), ignore_index=-100)
    case_loss = nn.CrossEntropyLoss(ignore_index=-100)
    rng = random.Random(order_seed)
    t0, step, epoch = time.time(), 0, 0
    budget = args.minutes * 60
    while time.time() - t0 < budget:
        epoch += 1
        for ids, punct, case in batches(train, 64, rng):
            if args.word_dropout > 0:
                drop = (torch.rand(ids.shape) < args.word_dropout) & (ids > NUM)
                ids = ids.masked_fill(drop, UNK)
            frac = min(1.0, (time.time() - t0) / budget)
            for g in opt.param_groups:
                g["lr"] = args.lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * frac)))
            p, c = model(ids)
            loss = punct_loss(p.reshape(-1, p.shape[-1]), punct.reshape(-1)) + \
                0.5 * case_loss(c.reshape(-1, c.shape[-1]), case.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if ema is not None:
                ema.update_parameters(model)
            step += 1
            if step % 500 == 0:
                f1, case_acc = f1_report(model, dev)
                print(f"epoch {epoch} step {step} {time.time() - t0:.0f}s loss {loss.item():.3f} "
                      f"F1 {json.dumps({k: round(v, 3) for k, v in f1.items()})} case {case_acc:.4f}", flush=True)
                if ema is not None and step % 2500 == 0:
                    f1, case_acc = f1_report(ema.module, dev)
                    print(f"  moving average: F1 {json.dumps({k: round(v, 3) for k, v in f1.items()})} case {case_acc:.4f}", flush=True)
            if time.time() - t0 >= budget:
                break
    candidates = [("trained weights", model)] + ([(f"moving average {args.ema}", ema.module)] if ema else [])
    weights_name, bias, best = None, 0.0, -1.0
    for name, candidate in candidates:
        b, f = choose_comma_bias(candidate, dev, name)
        if f > best:
            weights_name, model, bias, best = name, candidate, b, f
    print(f"exported: {weights_name}, comma bias {bias:+.2f}")
    f1, case_acc = f1_report(model, dev, bias)
    parts = {"real": f1_report(model, dev_real, bias)}
    if dev_synth:
        parts["conversation"] = f1_report(model, dev_synth, bias)
    print(f"comma bias {bias:+.2f}: dev F1 {json.dumps({k: round(v, 3) for k, v in f1.items()})} case {case_acc:.4f}; " +
          "; ".join(f"{name} {json.dumps({k: round(v, 3) for k, v in pf.items()})} case {pc:.4f}" for name, (pf, pc) in parts.items()))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    torch.save(model.state_dict(), out / "model.pt")
    with torch.no_grad():
        model.punctuation.bias[1] += bias
    torch.onnx.export(model, (torch.tensor([[3, 4, 5]]),), str(out / "model.onnx"),
                      input_names=["word_ids"], output_names=["punctuation", "case"],
                      dynamic_axes={"word_ids": {1: "T"}, "punctuation": {1: "T"}, "case": {1: "T"}},
                      opset_version=14)
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (out / "config.json").write_text(json.dumps({
        "punctuation": PUNCTUATION, "cases": CASES, "pad": PAD, "unknown": UNK, "number": NUM,
        "seed": args.seed, "order_seed": order_seed, "steps": step, "init": args.init, "lr": args.lr, "dim": args.dim, "hidden": args.hidden, "layers": args.layers,
        "synthetic": args.synthetic, "word_dropout": args.word_dropout, "ema": args.ema,
        "weights": weights_name, "comma_bias": bias,
        "dev": {"f1": {k: round(v, 4) for k, v in f1.items()}, "case_accuracy": round(case_acc, 4),
                **{name: {"f1": {k: round(v, 4) for k, v in pf.items()}, "case_accuracy": round(pc, 4)}
                   for name, (pf, pc) in parts.items()}},
    }, indent=2) + "\n")
    print(f"-> {out}")


if __name__ == "__main__":
    sys.exit(main())
