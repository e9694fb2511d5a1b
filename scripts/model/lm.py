"""Stage 6: a word trigram language model for Earshot's beam search, as a gzipped ARPA file.

Trained on the 'train' and 'extra' sentences of texts.jsonl only (the held-out sentences of
the test and dev sets never enter it). Interpolated Kneser-Ney (Chen & Goodman): absolute discounting with
one discount per order from the count-of-counts, continuation counts for the lower orders.
The interpolated model is written as ARPA, whose back-off weights then reproduce it exactly.
N-grams above the unigrams that were seen fewer than --min-count-bigram / --min-count times are pruned, and the
back-off weights of their contexts are recomputed so that every distribution still sums to 1.

--vocab-lists adds the words of plain word lists (Debian's wamerican:
/usr/share/dict/american-english) that the text never used, as unigrams sharing --vocab-mass;
without them a rare word the model spells right is still an out-of-lexicon path and loses.

Also writes the lexicon the beam search constrains its words to: every word of the LM with
its sentencepiece tokenisation (work-data/bpe.model, the one the model was trained with), one
"WORD piece piece ..." line per word (icefall's lexicon.txt layout).

Output: models/earshot-en/lm.arpa.gz (words in the normalised upper-case spelling of the
transcripts; <s>, </s>, <unk>) and models/earshot-en/lexicon.txt.
"""
import argparse
import gzip
import math
import re
from collections import Counter, defaultdict

from common import MODEL_DIR, WORK, normalize_text, read_jsonl

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


def discount(counts: Counter) -> float:
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    return n1 / (n1 + 2 * n2) if n1 + n2 > 0 else 0.5


def build(sentences, unk_mass: float, extra_words=(), vocab_mass: float = 0.0):
    tri, bi = Counter(), Counter()
    for s in sentences:
        w = [BOS] + s + [EOS]
        for i in range(1, len(w)):
            bi[(w[i - 1], w[i])] += 1
            if i >= 2:
                tri[(w[i - 2], w[i - 1], w[i])] += 1
    # Continuation counts: how many distinct words precede an n-gram. Bigrams that start a
    # sentence have no predecessor and keep their raw counts (as KenLM does).
    bi_cont = Counter()
    for (u, v, w) in tri:
        bi_cont[(v, w)] += 1
    for (v, w), c in bi.items():
        if v == BOS:
            bi_cont[(v, w)] = c
    uni_cont = Counter()
    for (v, w) in bi_cont:
        uni_cont[w] += 1
    d3, d2 = discount(tri), discount(bi_cont)

    # Unigrams: continuation probability, with fixed masses reserved for <unk> and for the
    # word-list words the text never used (shared evenly: a list carries no frequencies).
    extra_words = sorted(set(extra_words) - set(uni_cont) - {BOS, EOS, UNK})
    vocab_mass = vocab_mass if extra_words else 0.0
    total = sum(uni_cont.values())
    p1 = {w: (1 - unk_mass - vocab_mass) * c / total for w, c in uni_cont.items()}
    for w in extra_words:
        p1[w] = vocab_mass / len(extra_words)
    p1[UNK] = unk_mass
    p1[BOS] = 0.0

    # Bigrams: P2(w|v) = max(c'(vw) - D2, 0)/c'(v.) + gamma(v) P1(w)
    ctx2 = defaultdict(dict)
    for (v, w), c in bi_cont.items():
        ctx2[v][w] = c
    p2, g2 = {}, {}
    for v, ws in ctx2.items():
        tot = sum(ws.values())
        g2[v] = d2 * len(ws) / tot
        for w, c in ws.items():
            p2[(v, w)] = max(c - d2, 0) / tot + g2[v] * p1[w]

    def prob2(v, w):
        if (v, w) in p2:
            return p2[(v, w)]
        return g2.get(v, 1.0) * p1.get(w, p1[UNK])

    # Trigrams: raw counts at the highest order.
    ctx3 = defaultdict(dict)
    for (u, v, w), c in tri.items():
        ctx3[(u, v)][w] = c
    p3, g3 = {}, {}
    for (u, v), ws in ctx3.items():
        tot = sum(ws.values())
        g3[(u, v)] = d3 * len(ws) / tot
        for w, c in ws.items():
            p3[(u, v, w)] = max(c - d3, 0) / tot + g3[(u, v)] * prob2(v, w)
    return dict(p1=p1, p2=p2, p3=p3, bi=bi, tri=tri, ctx2=ctx2, ctx3=ctx3, prob2=prob2, d=(d2, d3))


def prune_and_backoff(m, min_bigram: int, min_trigram: int):
    """Keep n-grams seen at least min_* times; back-off weights that renormalise each context."""
    p1, prob2 = m["p1"], m["prob2"]
    keep3 = {k: p for k, p in m["p3"].items() if m["tri"][k] >= min_trigram}
    keep2 = {k: p for k, p in m["p2"].items() if m["bi"].get(k, 0) >= min_bigram or k[0] == BOS}
    # ARPA stores a context's back-off weight on the context n-gram: keep the bigram of every
    # kept trigram's context.
    for (u, v, _) in keep3:
        if (u, v) not in keep2:
            keep2[(u, v)] = prob2(u, v)
    bo1 = {}
    for v, ws in m["ctx2"].items():
        kept = [w for w in ws if (v, w) in keep2]
        num = 1 - sum(keep2[(v, w)] for w in kept)
        den = 1 - sum(p1[w] for w in kept)
        bo1[v] = max(num, 1e-12) / max(den, 1e-12)
    bo2 = {}
    for (u, v), ws in m["ctx3"].items():
        kept = [w for w in ws if (u, v, w) in keep3]
        if not kept:
            continue
        num = 1 - sum(keep3[(u, v, w)] for w in kept)
        # The lower order is the pruned bigram model.
        den = 1 - sum(keep2.get((v, w), bo1.get(v, 1.0) * p1[w]) for w in kept)
        bo2[(u, v)] = max(num, 1e-12) / max(den, 1e-12)
    return keep2, keep3, bo1, bo2


def write_arpa(path, p1, keep2, keep3, bo1, bo2):
    lg = lambda p: math.log10(p) if p > 0 else -99.0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("\\data\\\n")
        f.write(f"ngram 1={len(p1)}\nngram 2={len(keep2)}\nngram 3={len(keep3)}\n\n")
        f.write("\\1-grams:\n")
        for w in sorted(p1):
            b = bo1.get(w)
            f.write(f"{lg(p1[w]):.5f}\t{w}" + (f"\t{lg(b):.5f}" if b is not None else "") + "\n")
        f.write("\n\\2-grams:\n")
        for (v, w) in sorted(keep2):
            b = bo2.get((v, w))
            f.write(f"{lg(keep2[(v, w)]):.5f}\t{v} {w}" + (f"\t{lg(b):.5f}" if b is not None else "") + "\n")
        f.write("\n\\3-grams:\n")
        for k in sorted(keep3):
            f.write(f"{lg(keep3[k]):.5f}\t{' '.join(k)}\n")
        f.write("\n\\end\\\n")


def perplexity(sentences, p1, keep2, keep3, bo1, bo2):
    def p(u, v, w):
        w = w if w in p1 else UNK
        if (u, v, w) in keep3:
            return keep3[(u, v, w)]
        b = bo2.get((u, v), 1.0)
        if (v, w) in keep2:
            return b * keep2[(v, w)]
        return b * bo1.get(v, 1.0) * p1[w]

    lp, n = 0.0, 0
    for s in sentences:
        w = [BOS] + s + [EOS]
        for i in range(1, len(w)):
            u = w[i - 2] if i >= 2 else None
            lp += math.log(p(u, w[i - 1], w[i]))
            n += 1
    return math.exp(-lp / n)


def write_lexicon(path, words):
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(WORK / "bpe.model"))
    with open(path, "w", encoding="utf-8") as f:
        for w in sorted(words):
            f.write(w + " " + " ".join(sp.encode(w, out_type=str)) + "\n")


def word_list(path):
    """The plain words of a word list such as /usr/share/dict/american-english, normalised;
    entries with other characters (accents, digits, hyphens) are left out."""
    words = set()
    for line in open(path, encoding="utf-8", errors="replace"):
        w = line.strip()
        if re.fullmatch(r"[A-Za-z]+('[A-Za-z]+)?", w):
            words.add(normalize_text(w))
    return words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=2, help="prune trigrams seen fewer times")
    ap.add_argument("--min-count-bigram", type=int, default=None,
                    help="prune bigrams seen fewer times (default: --min-count)")
    ap.add_argument("--unk-mass", type=float, default=0.01, help="unigram probability of <unk>")
    ap.add_argument("--splits", default="train,extra",
                    help="texts.jsonl splits to train on (never 'heldout'); e.g. train,extra,gcide")
    ap.add_argument("--vocab-lists", default="",
                    help="comma-separated word lists (one word per line) whose words join the "
                         "vocabulary and lexicon as unigrams, e.g. /usr/share/dict/american-english")
    ap.add_argument("--vocab-mass", type=float, default=0.001,
                    help="unigram probability shared by the word-list words the text lacks")
    ap.add_argument("--realspeech", type=int, default=0,
                    help="N > 0 adds the distinct transcripts of ../shared/realspeech/train.tsv N times each "
                         "(their counts weigh N times the written text's; never dev.tsv, which tunes the decoder)")
    ap.add_argument("--out", default=str(MODEL_DIR / "lm.arpa.gz"))
    ap.add_argument("--lexicon", default=str(MODEL_DIR / "lexicon.txt"))
    args = ap.parse_args()
    texts = read_jsonl(WORK / "texts.jsonl")
    splits = set(args.splits.split(",")) - {"heldout"}
    train = [t["norm"].split() for t in texts if t["split"] in splits]
    heldout = [t["norm"].split() for t in texts if t["split"] == "heldout"]
    if args.realspeech:
        from realspeech import read_manifest

        real = sorted({r["norm"] for r in read_manifest("train")})
        train += [s.split() for s in real] * args.realspeech
        print(f"realspeech train transcripts: {len(real)} distinct sentences, x{args.realspeech}")
    extra = set()
    for path in filter(None, args.vocab_lists.split(",")):
        extra |= word_list(path)
    m = build(train, args.unk_mass, extra, args.vocab_mass)
    keep2, keep3, bo1, bo2 = prune_and_backoff(
        m, args.min_count_bigram or args.min_count, args.min_count)
    write_arpa(args.out, m["p1"], keep2, keep3, bo1, bo2)
    print(f"{len(train)} sentences; discounts D2={m['d'][0]:.3f} D3={m['d'][1]:.3f}; "
          f"1-grams {len(m['p1'])}, 2-grams {len(keep2)}, 3-grams {len(keep3)} -> {args.out}")
    words = [w for w in m["p1"] if w not in (BOS, EOS, UNK)]
    write_lexicon(args.lexicon, words)
    print(f"lexicon: {len(words)} words -> {args.lexicon}")
    print(f"held-out perplexity {perplexity(heldout, m['p1'], keep2, keep3, bo1, bo2):.1f}")


if __name__ == "__main__":
    main()
