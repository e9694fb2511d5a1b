#!/bin/bash
# Fine-tune earshot-en on one GPU while the machine's CPU cores synthesise the audio it trains on
# (how the twelfth model was made: 146 h synthesised by 13 cores in 5.5 minutes, 720 h of audio
# trained on in 7.3 minutes, about 5,200 s of audio per second on an H200).
#
#   /usr/bin/python3 synth.py --split train --seed 1246 --start 255650 --num 412463 \
#       --engines espeak-ng,flite --write-jobs jobs-train.jsonl.gz      # on the machine with texts.jsonl
#   /usr/bin/python3 synth.py --split test --num 200 --write-jobs jobs-test.jsonl.gz
#   JOBS=jobs-train.jsonl.gz TEST_JOBS=jobs-test.jsonl.gz TRAIN_S=440 scripts/model/finetune-gpu.sh OUT_DIR
#
# Writes OUT_DIR/final.pt (the last checkpoint) and OUT_DIR/mean3.pt (the mean of the last three
# checkpoints, written once a minute along the cosine tail); export either with export.py --ckpt.
# Environment: INIT (model to start from; default the committed model.onnx), TRAIN_S (training
# seconds), SYN_WORKERS (default: cores - 3), LR, BATCH_S, WAIT_SYN (seconds of synthesis before
# training starts), EARSHOT_WORK (scratch folder; needs work-data's bpe.model), TTS (a folder with
# bin/, lib/ and espeak-ng-data/ holding espeak-ng and flite, where they are not installed).
set -u
OUT_DIR=${1:?usage: finetune-gpu.sh OUT_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
: "${JOBS:?JOBS: a synth.py --write-jobs file}" "${TEST_JOBS:=}"
INIT=${INIT:-$REPO/models/earshot-en/model.onnx}
TRAIN_S=${TRAIN_S:-440}
SYN_WORKERS=${SYN_WORKERS:-$(( $(nproc) > 4 ? $(nproc) - 3 : 1 ))}
export EARSHOT_WORK=${EARSHOT_WORK:-$REPO/work-data} PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
mkdir -p "$OUT_DIR" "$EARSHOT_WORK/ckpt"
[ -f "$EARSHOT_WORK/ckpt/last.pt" ] && { echo "$EARSHOT_WORK/ckpt/last.pt exists: this run starts from INIT, move it away first"; exit 1; }
SYN=(env)
[ -n "${TTS:-}" ] && SYN=(env "PATH=$TTS/bin:$PATH" "LD_LIBRARY_PATH=$TTS/lib" "ESPEAK_DATA_PATH=$TTS")
cd "$HERE"
[ -n "$TEST_JOBS" ] && "${SYN[@]}" $PY synth.py --jobs "$TEST_JOBS" --workers 8 > "$OUT_DIR/synth-test.log" 2>&1
"${SYN[@]}" nice -n 5 $PY synth.py --jobs "$JOBS" --workers "$SYN_WORKERS" > "$OUT_DIR/synth-train.log" 2>&1 &
SYN_PID=$!
# keep each checkpoint (train.py rewrites last.pt every --ckpt-minutes) for the mean of the tail
mkdir -p "$EARSHOT_WORK/tail"
(prev=""; while sleep 3; do f=$EARSHOT_WORK/ckpt/last.pt; [ -f "$f" ] || continue; m=$(stat -c %Y "$f")
  [ "$m" = "$prev" ] && continue; sleep 2; cp "$f" "$EARSHOT_WORK/tail/ckpt-$m.pt"; prev=$m; done) &
TAIL_PID=$!
sleep "${WAIT_SYN:-35}"
H=$($PY -c "print(round($TRAIN_S / 3600, 4))")
timeout -s TERM $((TRAIN_S + 60)) $PY train.py --device "${DEVICE:-cuda}" --init-onnx "$INIT" --dropout 0 --specaug 0 \
  --vtlp 0.1 --refresh-steps 100 --batch-seconds "${BATCH_S:-300}" --lr "${LR:-8e-4}" --warmup 150 \
  --cosine-hours "$H" --max-hours "$H" --eval-every 300 --ckpt-minutes 1 > "$OUT_DIR/train.log" 2>&1
kill "$SYN_PID" "$TAIL_PID" 2>/dev/null; pkill -f "synth.py --jobs" 2>/dev/null
cp "$EARSHOT_WORK/ckpt/last.pt" "$OUT_DIR/final.pt"
newest=$(ls -t "$EARSHOT_WORK"/tail/ckpt-*.pt 2>/dev/null | head -n 1)
{ [ -n "$newest" ] && cmp -s "$newest" "$OUT_DIR/final.pt"; } || cp "$OUT_DIR/final.pt" "$EARSHOT_WORK/tail/ckpt-final.pt"
$PY average.py --out "$OUT_DIR/mean3.pt" $(ls -t "$EARSHOT_WORK"/tail/ckpt-*.pt | head -n 3)
grep '\[eval\]' "$OUT_DIR/train.log" | tail -n 3
