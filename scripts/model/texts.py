"""Stage 1a: collect English sentences from text shipped in Debian packages.

Sources (all local, installed with apt):
  * fortunes (fortune-mod data files, /usr/share/games/fortunes, not the offensive set)
  * wordnet-base (example sentences and glosses in /usr/share/wordnet/data.*)
  * dict-gcide (GNU Collaborative International Dictionary of English: definitions and the
    quotations that illustrate them), only if installed; its rows come after the above, split 'gcide'
  * dict-devil, dict-jargon, dict-foldoc and fortune-anarchism, where installed: split 'more'
  * new sentences composed from all the training text above by a word trigram chain that backs
    off to bigrams (--composed of them): split 'composed', after every other row. They are new
    word sequences for the acoustic model only (lm.py leaves them out): novel text without
    another source.

Writes work-data/texts.jsonl with {id, text, source, split}; split is 'train' or
'heldout' (sentences never used for training), chosen deterministically from --seed.
Sentences beyond --max-per-source follow as split 'extra': more training text for the
synthesis and the language model. They come after every other row, so the held-out set,
the 'train' rows and the BPE vocabulary (prepare.py reads 'train' only) stay what they were.
The 'gcide' rows follow all of those, for the same reason.
"""
import argparse
import gzip
import hashlib
import random
import re
import subprocess
from pathlib import Path

from common import WORK, normalize_text, seed_all, write_jsonl

FORTUNE_DIR = Path("/usr/share/games/fortunes")
FORTUNE_PACKAGES = ("fortunes", "fortunes-min")
WORDNET_DIR = Path("/usr/share/wordnet")
GCIDE_DICT = Path("/usr/share/dictd/gcide.dict.dz")
MORE_DICTS = ("devil", "jargon", "foldoc")
MORE_FORTUNES = ("anarchism",)
ABBREV = re.compile(r"\b(mr|mrs|ms|dr|st|vs|etc|jr|sr|no|vol|ch|inc|ltd|co|prof|gen|gov|sgt|capt|lt|col|rev|ie|eg)\b\.?", re.I)
ALLOWED = re.compile(r"^[A-Za-z ,.;:!?'\"()\-\u2019]+$")


def split_sentences(text):
    text = re.sub(r"\s+", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def good(sent):
    if not ALLOWED.match(sent):
        return False
    if ABBREV.search(sent):
        return False
    words = sent.split()
    if not (3 <= len(words) <= 24):
        return False
    # acronyms would be spelled out by the TTS engines
    for w in re.findall(r"[A-Za-z']+", sent):
        if len(w) > 1 and w.isupper() and w not in ("I'M", "I'D", "I'LL", "I'VE", "OK"):
            return False
    if " - " in sent or "--" in sent:
        return False
    n = normalize_text(sent)
    return len(n) >= 10


def fortune_files():
    # Only the two packages named above: other fortune packages (e.g. BOFH excuses) install
    # into the same folder and would reshuffle every row, held-out set included.
    listed = subprocess.run(["dpkg", "-L", *FORTUNE_PACKAGES], capture_output=True, text=True).stdout
    owned = {Path(p) for p in listed.split()}
    return [f for f in sorted(FORTUNE_DIR.iterdir()) if f in owned and f.is_file() and not f.suffix]


def fortunes():
    for f in fortune_files():
        raw = f.read_text(encoding="utf-8", errors="ignore")
        for entry in raw.split("\n%\n"):
            lines = [l for l in entry.split("\n") if not l.strip().startswith("--")]
            for s in split_sentences(" ".join(lines)):
                yield s, "fortunes/" + f.name


def wordnet():
    for part in ("noun", "verb", "adj", "adv"):
        p = WORDNET_DIR / f"data.{part}"
        for line in p.read_text(encoding="utf-8", errors="ignore").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            gloss = line.split("|", 1)[1]
            for ex in re.findall(r'"([^"]+)"', gloss):
                yield ex.strip(), "wordnet/examples"
            definition = gloss.split(";")[0].strip()
            if len(definition.split()) >= 5:
                yield definition[0].upper() + definition[1:], "wordnet/glosses"


def gcide():
    """Definitions and quotations of GCIDE's entries, markup removed.

    Entries are plain text blocks closed by a source tag line such as '[1913 Webster]';
    quotations are the lines indented by 8 or more spaces, ending in '--Author.'.
    """
    if not GCIDE_DICT.exists():
        return
    raw = gzip.open(GCIDE_DICT, "rt", encoding="utf-8", errors="ignore").read()
    for block in re.split(r"\n\s*\[[^\]\n]*\]\s*\n", raw):
        lines = block.split("\n")
        quote = " ".join(l.strip() for l in lines if l.startswith("        "))
        definition = " ".join(l.strip() for l in lines if not l.startswith("        "))
        for text, src in ((re.sub(r"--\s*[A-Z][^.]*\.?\s*$", "", quote), "gcide/quotes"),
                          (re.sub(r"^(\d+\.\s*)?(\([a-z]\)\s*)?", "", definition), "gcide/definitions")):
            # pronunciations (\Af*fect"\) and synonym lists mark headword lines, not prose
            if not text or "\\" in text or "Syn." in text:
                continue
            text = re.sub(r"\{([^}]*)\}", r"\1", text)
            text = re.sub(r"\[[^\]]*\]", "", text)
            for s in split_sentences(text):
                # fragments (a cut-off sense, a cross-reference, a Latin name in parentheses)
                if s[:1].isupper() and "(" not in s and not s.startswith("See ") \
                        and not s.endswith(("esp.", "..")):
                    yield s, src


def prose(text):
    """Dictionary markup to plain prose: cross-references {x} keep their words; bracketed
    etymologies, <subject> tags, (dates) and /pronunciations/ go; typographic quotes and dashes
    become the ASCII the sentence filter accepts."""
    text = re.sub(r"\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\[[^\]]*\]|<[^>]*>|\(\d{4}-\d\d-\d\d\)|/[^/\s][^/]*/", " ", text)
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2014", ", ")
    return re.sub(r"\s+", " ", text)


def more_sources():
    """dictd databases, entry by entry (the .index gives each entry's offset and length in
    dictd's base64), then the extra fortune files. The headword line of each entry is dropped."""
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def num(code):
        v = 0
        for ch in code:
            v = v * 64 + b64.index(ch)
        return v

    for name in MORE_DICTS:
        dz, index = Path(f"/usr/share/dictd/{name}.dict.dz"), Path(f"/usr/share/dictd/{name}.index")
        if not dz.exists():
            continue
        raw = gzip.open(dz).read()
        spans = set()
        for line in index.read_text(encoding="utf-8", errors="ignore").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and not parts[0].startswith("00"):
                spans.add((num(parts[1]), num(parts[2])))
        for off, size in sorted(spans):
            entry = raw[off:off + size].decode("utf-8", errors="ignore")
            body = entry.partition("\n")[2]
            if name == "devil":  # 'ABSOLUTE, adj.  Independent, ...' has the headword inline
                body = re.sub(r"^[A-Z' -]+, [a-z.]+\s+", "", entry)
            for s in split_sentences(prose(body)):
                # 'e.g.' and 'i.e.' are read out letter by letter, unlike their normalised text
                if not re.search(r"\b[a-z]\.[a-z]\b", s) and s.count("(") == s.count(")"):
                    yield s, "more/" + name
    for name in MORE_FORTUNES:
        f = FORTUNE_DIR / name
        if not f.exists():
            continue
        for entry in f.read_text(encoding="utf-8", errors="ignore").split("\n%\n"):
            lines = [l for l in entry.split("\n") if not l.strip().startswith("--")]
            for s in split_sentences(" ".join(lines)):
                yield s, "more/fortunes-" + name


def new_sentences(source, seen, shuffle_seed):
    """The sentences of `source` that pass good() and are not in `seen` (which learns them),
    shuffled by an rng of their own so that earlier groups of rows never move."""
    out = []
    for s, src in source:
        s = s.strip(" \"'()")
        key = normalize_text(s)
        if good(s) and key not in seen:
            seen.add(key)
            out.append((s, src))
    random.Random(shuffle_seed).shuffle(out)
    return out


def compose(sentences, n, seed, seen):
    """n sentences sampled from a word trigram chain over `sentences` (whitespace tokens, so
    punctuation rides with its word and the TTS prosody follows it). Where a two-word context has
    fewer than three continuations the chain backs off to one word half the time; without that it
    mostly replays a training sentence verbatim. Kept only if new and accepted by good()."""
    tri, bi = {}, {}
    for sent in sentences:
        toks = ["<s>", "<s>"] + sent.split() + ["</s>"]
        for a, b, c in zip(toks, toks[1:], toks[2:]):
            tri.setdefault((a, b), []).append(c)
            bi.setdefault(b, []).append(c)
    rng = random.Random(f"{seed}-composed")
    out = []
    while len(out) < n:
        a, b, words = "<s>", "<s>", []
        while len(words) <= 24:
            nexts = tri[(a, b)]
            # the first three tokens settle most contexts without a set over a long list
            if b != "<s>" and len(set(nexts[:3])) < 3 and len(set(nexts)) < 3 and rng.random() < 0.5:
                nexts = bi[b]
            c = rng.choice(nexts)
            if c == "</s>":
                break
            words.append(c)
            a, b = b, c
        s = " ".join(words).strip(" \"'()")
        key = normalize_text(s)
        if good(s) and key not in seen and s.count("(") == s.count(")") and s.count('"') % 2 == 0:
            seen.add(key)
            out.append((s, "composed"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--heldout", type=int, default=400, help="sentences never trained on")
    ap.add_argument("--max-per-source", type=int, default=30000)
    ap.add_argument("--composed", type=int, default=100000, help="sentences composed by compose()")
    args = ap.parse_args()
    seed_all(args.seed)
    seen = set()
    by_source = {}
    for gen in (fortunes, wordnet):
        for s, src in gen():
            s = s.strip(" \"'()")
            if not good(s):
                continue
            key = normalize_text(s)
            if key in seen:
                continue
            seen.add(key)
            by_source.setdefault(src.split("/")[0] + ("/gloss" if "gloss" in src else ""), []).append((s, src))
    rows, extra = [], []
    rng = random.Random(args.seed)
    for k in sorted(by_source):
        items = by_source[k]
        rng.shuffle(items)
        beyond_cap = items[args.max_per_source:]
        extra.extend(beyond_cap)
        items = items[: args.max_per_source]
        print(f"{k}: {len(items)} sentences (+{len(beyond_cap)} extra)")
        rows.extend(items)
    rng.shuffle(rows)
    random.Random(f"{args.seed}-extra").shuffle(extra)
    late = new_sentences(gcide(), seen, f"{args.seed}-gcide")
    print(f"gcide: {len(late)} sentences (split 'gcide')")
    more = new_sentences(more_sources(), seen, f"{args.seed}-more")
    print(f"more: {len(more)} sentences (split 'more')")
    # never from the held-out rows: their word sequences must stay unseen
    composed = compose([s for s, _ in rows[args.heldout:] + extra + late + more], args.composed, args.seed, seen)
    print(f"composed: {len(composed)} sentences (last, split 'composed')")
    out = []
    bounds = [(args.heldout, "heldout"), (len(rows), "train"), (len(rows) + len(extra), "extra"),
              (len(rows) + len(extra) + len(late), "gcide"),
              (len(rows) + len(extra) + len(late) + len(more), "more")]
    for i, (s, src) in enumerate(rows + extra + late + more + composed):
        h = int(hashlib.sha1(normalize_text(s).encode()).hexdigest(), 16)
        split = next((name for end, name in bounds if i < end), "composed")
        out.append({"id": f"s{i:06d}", "text": s, "norm": normalize_text(s), "source": src,
                    "split": split, "hash": h % 1000})
    write_jsonl(WORK / "texts.jsonl", out)
    print(f"wrote {len(out)} sentences ({args.heldout} held out, {len(extra)} extra, {len(late)} gcide, {len(more)} more, {len(composed)} composed) to {WORK / 'texts.jsonl'}")


if __name__ == "__main__":
    main()
