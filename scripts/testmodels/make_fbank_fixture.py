#!/usr/bin/env python3
"""Reference log-mel fbank features from torchaudio.compliance.kaldi.fbank (Kaldi-compatible),
for gpu-pool/engine/features/fbank.test.ts. Writes a deterministic test signal (int16) and the
features of two configurations:
  sherpa: input in [-1, 1], snip_edges=False, high_freq=-400 (what sherpa-onnx uses)
  kaldi:  input in int16 range, snip_edges=True, high_freq=0 (Nyquist)
Usage: /usr/bin/python3 scripts/testmodels/make_fbank_fixture.py OUT_DIR
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torchaudio

sr = 16000
n = int(0.8 * sr)
rng = np.random.default_rng(7)
t = np.arange(n) / sr
sig = 0.3 * np.sin(2 * np.pi * (200 + 1500 * t) * t)
for h in range(1, 8):
    sig += 0.05 / h * np.sin(2 * np.pi * 140 * h * t)
sig += 0.02 * rng.standard_normal(n)
sig[int(0.5 * sr):int(0.6 * sr)] = 0.0  # digital silence: exercises the log floor
pcm = np.clip(np.round(sig * 32767), -32768, 32767).astype(np.int16)

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
pcm.tofile(out / "fbank-signal.s16")
x = torch.from_numpy(pcm.astype(np.float32)).unsqueeze(0)
common = dict(num_mel_bins=80, frame_length=25.0, frame_shift=10.0, dither=0.0, preemphasis_coefficient=0.97,
              remove_dc_offset=True, window_type="povey", low_freq=20.0, sample_frequency=sr, energy_floor=0.0)
configs = {
    "sherpa": dict(scale=1 / 32768, snip_edges=False, high_freq=-400.0),
    "kaldi": dict(scale=1.0, snip_edges=True, high_freq=0.0),
}
meta = {}
for name, c in configs.items():
    feats = torchaudio.compliance.kaldi.fbank(x * c["scale"], snip_edges=c["snip_edges"], high_freq=c["high_freq"], **common)
    feats.numpy().astype(np.float32).tofile(out / f"fbank-{name}.f32")
    meta[name] = {"frames": int(feats.shape[0]), **{k: v for k, v in c.items()}}
(out / "fbank-fixture.json").write_text(json.dumps({"sampleRate": sr, "samples": n, "configs": meta}, indent=2) + "\n")
print(meta)
