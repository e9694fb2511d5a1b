#!/usr/bin/env bash
# Self-made speech for the tests that need a voice but not a real recording (Debian's espeak-ng
# and sox): one sentence, 0.3 s of silence before and 1.2 s after it so the VAD ends the turn
# before the stream does. Three encodings of the same audio: espeak-ng's own 22.05 kHz WAV, a
# 16 kHz WAV (the rate most clients send) and the same 16 kHz samples as FLAC.
#   scripts/testmodels/make_speech_fixtures.sh gpu-pool/engine/testdata/speech
set -euo pipefail
out=${1:?output folder}
text="the quick brown fox jumps over the lazy dog"
voice=en-us
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v "$voice" -s 150 -w "$tmp/raw.wav" "$text"
sox "$tmp/raw.wav" -b 16 -c 1 "$out/speech-22k.wav" pad 0.3 1.2
sox "$out/speech-22k.wav" -r 16000 "$out/speech-16k.wav"
sox "$out/speech-16k.wav" "$out/speech-16k.flac"
printf 'path\tvoice\tengine\ttext\n' >"$out/refs.tsv"
for f in speech-22k.wav speech-16k.wav speech-16k.flac; do printf '%s\t%s\tespeak-ng\t%s\n' "$f" "$voice" "$text" >>"$out/refs.tsv"; done
