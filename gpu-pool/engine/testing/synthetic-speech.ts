import type { AudioFile } from './audio-files.ts';

/**
 * Deterministic speech-like audio (voiced harmonics with moving formant-ish gains, bursts of
 * noise, pauses) for tests that need a signal at any sample rate without a TTS engine.
 */
export function synthesizeSpeechLike(sampleRate: number, seconds: number, seed: number): AudioFile {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  const n = Math.round(sampleRate * seconds);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const syllable = Math.sin(2 * Math.PI * 3.3 * t) ** 2;
    const pause = t % 1.4 > 1.1 ? 0 : 1;
    const f0 = 110 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / sampleRate;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) * (1 / h) * (1 + Math.sin(2 * Math.PI * (0.5 + h * 0.13) * t));
    const noise = t % 0.9 < 0.08 ? rand() * 0.6 : rand() * 0.01;
    out[i] = Math.round(Math.max(-1, Math.min(1, 0.25 * pause * syllable * v + noise * pause)) * 32000);
  }
  return { samples: out, sampleRate };
}
