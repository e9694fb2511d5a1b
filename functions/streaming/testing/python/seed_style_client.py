"""A client written the way AssemblyAI's self-hosted example script is: the websockets sync
client, `?sample_rate=16000&format_turns=true`, `Authorization: self-hosted`, 100 ms chunks
(3200 bytes) paced by sleeping, then {"type": "Terminate"}, reading until the server closes.

Usage: python seed_style_client.py ws://127.0.0.1:PORT file.wav [speed]
Prints one JSON line per server message, then {"closed": code}.
"""
import json
import sys
import threading
import time
import wave

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

endpoint, path = sys.argv[1], sys.argv[2]
speed = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0

with wave.open(path, "rb") as audio:
    if (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) != (16000, 1, 2):
        sys.exit("need 16 kHz mono 16-bit PCM")
    pcm = audio.readframes(audio.getnframes())

CHUNK = 3200  # 100 ms


def receive(ws):
    try:
        for message in ws:
            data = json.loads(message)
            if "type" not in data:
                raise ValueError(f"message without a type: {data}")
            print(json.dumps(data), flush=True)
    except ConnectionClosed:
        pass


with connect(f"{endpoint}?sample_rate=16000&format_turns=true", additional_headers={"Authorization": "self-hosted"}) as ws:
    reader = threading.Thread(target=receive, args=(ws,))
    reader.start()
    for offset in range(0, len(pcm), CHUNK):
        time.sleep(0.1 / speed)
        ws.send(pcm[offset : offset + CHUNK])
    ws.send(json.dumps({"type": "Terminate"}))
    reader.join(timeout=30)
    print(json.dumps({"closed": ws.close_code}), flush=True)
