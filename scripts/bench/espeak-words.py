#!/usr/bin/env python3
"""Speak sentences with espeak-ng and report where each word begins and ends in the audio.

Usage: espeak-words.py OUT_DIR < jobs.jsonl
Each input line: {"name": "...", "voice": "en-us", "text": "...", "speed": 175}
Writes OUT_DIR/NAME.wav (mono 16-bit, espeak-ng's own rate) and prints one line per job:
{"name", "sampleRate", "samples", "words": [{"text", "startMs", "endMs"}]}

The times come from the synthesiser itself (libespeak-ng's word and phoneme events, through
ctypes; the espeak-ng command line cannot report them): a word starts at its first phoneme and
ends where the next phoneme or pause begins, so they are the true word boundaries of the audio.
"""
import ctypes
import json
import sys
import wave
from pathlib import Path

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_DONT_EXIT = 0x8000
POS_CHARACTER = 1
CHARS_UTF8 = 1
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_END = 5
EVENT_PHONEME = 7


class Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))


def main() -> None:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    lib = ctypes.CDLL("libespeak-ng.so.1")
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, None, INITIALIZE_PHONEME_EVENTS | INITIALIZE_DONT_EXIT)
    if rate <= 0:
        sys.exit("espeak-ng: initialisation failed")
    samples: list[int] = []
    events: list[tuple[int, int, int, int, bytes]] = []

    def on_audio(wav, n, ev):  # called synchronously from espeak_Synth
        if wav and n > 0:
            samples.extend(wav[:n])
        i = 0
        while ev[i].type != EVENT_LIST_TERMINATED:
            e = ev[i]
            events.append((e.type, e.text_position, e.length, e.sample, bytes(e.id).split(b"\0")[0]))
            i += 1
        return 0

    callback = Callback(on_audio)
    lib.espeak_SetSynthCallback(callback)
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        samples.clear()
        events.clear()
        if lib.espeak_SetVoiceByName(job.get("voice", "en-us").encode()) != 0:
            sys.exit(f"espeak-ng: unknown voice {job.get('voice')}")
        lib.espeak_SetParameter(1, int(job.get("speed", 175)), 0)  # espeakRATE
        text = job["text"].encode()
        lib.espeak_Synth(text, len(text) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
        lib.espeak_Synchronize()
        words = word_spans(job["text"], events, len(samples), rate)
        with wave.open(str(out_dir / f"{job['name']}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(b"".join(int(s).to_bytes(2, "little", signed=True) for s in samples))
        print(json.dumps({"name": job["name"], "sampleRate": rate, "samples": len(samples), "words": words}), flush=True)


def word_spans(text: str, events, total: int, rate: int):
    """Word events open a word (by text position); its phonemes follow; it ends at the next phoneme or pause."""
    phonemes = [(e[1], e[3], e[4]) for e in events if e[0] == EVENT_PHONEME]
    starts = [(e[1], e[2]) for e in events if e[0] == EVENT_WORD]
    spans = []
    for k, (pos, length) in enumerate(starts):
        next_pos = starts[k + 1][0] if k + 1 < len(starts) else 1 << 30
        mine = [i for i, p in enumerate(phonemes) if pos <= p[0] < next_pos and not p[2].startswith(b"_")]
        if not mine:
            continue
        first, last = mine[0], mine[-1]
        end = phonemes[last + 1][1] if last + 1 < len(phonemes) else total
        word = text.encode()[pos - 1 : pos - 1 + length].decode(errors="replace")
        spans.append({"text": word, "startMs": round(phonemes[first][1] * 1000 / rate, 1), "endMs": round(end * 1000 / rate, 1)})
    return spans


if __name__ == "__main__":
    main()
