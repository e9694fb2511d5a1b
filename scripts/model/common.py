"""Shared paths and helpers for the Earshot model toolchain (scripts/model/)."""
import json
import os
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("EARSHOT_WORK", REPO / "work-data"))
CORPUS = WORK / "corpus"
MODEL_DIR = REPO / "models" / "earshot-en"
CKPT_DIR = WORK / "ckpt"
SAMPLE_RATE = 16000

# Voices never used for training; the held-out synthetic test set uses only these.
HELDOUT_ESPEAK_VARIANTS = {"f4", "Annie"}


def source_of(r):
    """The training-mixture source of a manifest record: real corpora by their realspeech source
    name, synthetic speech by engine (and voice, except for espeak-ng's hundreds of variants)."""
    if r.get("engine") == "real":
        return f"real/{r['source']}"
    return f"synthetic/{r['engine']}" + (f"/{r['voice']}" if r["engine"] != "espeak-ng" else "")


def seed_all(seed: int):
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % (2**32))
    except ImportError:
        pass
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass


def done_indices(shard):
    """The job indices a manifest shard already holds (a worker resumes after them); unparsable
    lines, such as one cut short by a stop, are skipped."""
    done = set()
    if Path(shard).exists():
        for line in open(shard):
            try:
                done.add(json.loads(line)["idx"])
            except (ValueError, KeyError):
                pass
    return done


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def write_jsonl(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def normalize_text(s: str) -> str:
    """Transcript normalisation used everywhere: upper case, letters, apostrophes, single spaces."""
    import re

    s = s.upper().replace("\u2019", "'")
    s = re.sub(r"[^A-Z' ]+", " ", s)
    s = re.sub(r"(^| )'+|'+( |$)", " ", s)
    return re.sub(r" +", " ", s).strip()
