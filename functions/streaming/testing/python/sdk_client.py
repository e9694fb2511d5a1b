"""The official AssemblyAI Python SDK's StreamingClient, unmodified, against a ws:// Earshot.

Usage: python sdk_client.py ws://127.0.0.1:PORT file.wav
Prints one JSON line per event the SDK delivers, then {"event": "closed"}.
"""
import json
import sys
import time
import wave

from assemblyai.streaming.v3 import (
    StreamingClient,
    StreamingClientOptions,
    StreamingEvents,
    StreamingParameters,
)

api_host, path = sys.argv[1], sys.argv[2]


def emit(event, data=None):
    print(json.dumps({"event": event, "data": data}, default=str), flush=True)


def dump(message):
    return message.model_dump(mode="json") if hasattr(message, "model_dump") else message.dict()


client = StreamingClient(StreamingClientOptions(api_key="self-hosted", api_host=api_host))
client.on(StreamingEvents.Begin, lambda _c, e: emit("begin", dump(e)))
client.on(StreamingEvents.Turn, lambda _c, e: emit("turn", dump(e)))
client.on(StreamingEvents.SpeechStarted, lambda _c, e: emit("speech_started", dump(e)))
client.on(StreamingEvents.Termination, lambda _c, e: emit("termination", dump(e)))
client.on(StreamingEvents.Warning, lambda _c, e: emit("warning", dump(e)))
client.on(StreamingEvents.Error, lambda _c, e: emit("error", {"message": str(e), "code": getattr(e, "code", None)}))

with wave.open(path, "rb") as audio:
    rate = audio.getframerate()
    pcm = audio.readframes(audio.getnframes())

# Booleans go out as True/False and lists as JSON: the query the SDK builds is what is under test.
client.connect(
    StreamingParameters(
        sample_rate=rate,
        format_turns=True,
        keyterms_prompt=["quick brown fox", "lazy dog"],
        speech_model="universal-streaming-english",
    )
)


def chunks():
    step = rate // 10 * 2  # 100 ms of 16-bit mono
    for offset in range(0, len(pcm), step):
        yield pcm[offset : offset + step]
        time.sleep(0.05)  # twice real time


client.stream(chunks())
client.disconnect(terminate=True)
emit("closed")
