"""Stage 2: train the sentencepiece BPE vocabulary on the training sentences and write tokens.txt.

Token ids: 0 = <blk> (CTC blank, also sentencepiece's pad), 1 = <unk>, then BPE pieces with the
'▁' word-boundary marker. tokens.txt is '<symbol> <id>' per line (sherpa-onnx format).
"""
import argparse

import sentencepiece as spm

from common import WORK, read_jsonl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab-size", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    texts = [t["norm"] for t in read_jsonl(WORK / "texts.jsonl") if t["split"] == "train"]
    corpus = WORK / "bpe-train.txt"
    corpus.write_text("\n".join(texts) + "\n")
    prefix = str(WORK / "bpe")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=prefix, vocab_size=args.vocab_size, model_type="bpe",
        character_coverage=1.0, pad_id=0, pad_piece="<blk>", unk_id=1, bos_id=-1, eos_id=-1,
        byte_fallback=False, split_digits=True, num_threads=1,
        input_sentence_size=200000, shuffle_input_sentence=True)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    with open(WORK / "tokens.txt", "w", encoding="utf-8") as f:
        for i in range(sp.get_piece_size()):
            f.write(f"{sp.id_to_piece(i)} {i}\n")
    print("vocab", sp.get_piece_size(), "->", WORK / "tokens.txt")
    print(sp.encode("HELLO WORLD THIS IS EARSHOT", out_type=str))


if __name__ == "__main__":
    main()
