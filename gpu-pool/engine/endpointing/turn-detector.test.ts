import { describe, expect, it } from 'vitest';
import { TurnDetector } from './turn-detector.ts';

const balanced = { minTurnSilenceMs: 400, maxTurnSilenceMs: 1280, vadThreshold: 0.4, endOfTurnConfidenceThreshold: 0.4 };
const word = { text: 'HELLO', confidence: 0.9, isFinal: false };

/** Drive 32 ms VAD windows and 30 ms ASR frames over `ms` of audio. */
function feed(d: TurnDetector, ms: number, speech: boolean, state: { vad: number; asr: number }) {
  const onsets: number[] = [];
  const end = state.vad + ms;
  while (state.vad + 32 <= end) {
    const o = d.onVad(speech ? 0.95 : 0.02);
    if (o) onsets.push(o.timestampMs);
    state.vad += 32;
  }
  while (state.asr + 30 <= end) {
    d.onAsrFrames(Float32Array.of(speech ? 0.2 : 0.98));
    state.asr += 30;
  }
  return onsets;
}

describe('TurnDetector', () => {
  it('speech onset after two speech windows, timestamped at the first', () => {
    const d = new TurnDetector(balanced, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 320, false, s);
    const onsets = feed(d, 320, true, s);
    expect(onsets).toEqual([320]);
  });

  it('confident pause ends the turn at min_turn_silence, not before', () => {
    const d = new TurnDetector(balanced, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 1000, true, s);
    feed(d, 300, false, s);
    expect(d.decide(word).end).toBe(false);
    feed(d, 200, false, s);
    const r = d.decide(word);
    expect(r).toMatchObject({ end: true, reason: 'confident_silence' });
    expect(r.confidence).toBeGreaterThan(0.4);
  });

  it('threshold 1: only max_turn_silence ends a turn', () => {
    const d = new TurnDetector({ ...balanced, endOfTurnConfidenceThreshold: 1 }, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 1000, true, s);
    feed(d, 1000, false, s);
    expect(d.decide(word).end).toBe(false);
    feed(d, 400, false, s);
    expect(d.decide(word)).toMatchObject({ end: true, reason: 'max_silence' });
  });

  it('threshold 0: min_turn_silence suffices; a continuation word lowers confidence', () => {
    const d = new TurnDetector({ ...balanced, endOfTurnConfidenceThreshold: 0 }, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 1000, true, s);
    feed(d, 420, false, s);
    expect(d.decide(word).end).toBe(true);
    expect(d.decide({ text: 'AND', confidence: 0.9, isFinal: false }).confidence).toBeLessThan(d.decide(word).confidence);
  });

  it('no words, or under 80 ms of speech: no end of turn', () => {
    const d = new TurnDetector(balanced, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 64, true, s);
    feed(d, 3000, false, s);
    expect(d.decide(word).end).toBe(false);
    expect(d.decide(undefined).end).toBe(false);
  });

  it('silence counts only over audio the ASR has decoded too', () => {
    const d = new TurnDetector(balanced, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 1000, true, s);
    for (let i = 0; i < 40; i++) d.onVad(0.01); // VAD 1.28 s ahead, ASR not
    expect(d.decide(word).end).toBe(false);
  });

  it('once the ASR has decoded past the end of speech, silence runs with the VAD (no wait for the next model chunk)', () => {
    const d = new TurnDetector(balanced, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 990, true, s);
    for (let i = 0; i < 6; i++) d.onAsrFrames(Float32Array.of(0.98)); // ASR 180 ms past the speech, then stops
    for (let i = 0; i < 10; i++) d.onVad(0.01); // VAD 320 ms of silence: not yet
    expect(d.decide(word).end).toBe(false);
    for (let i = 0; i < 3; i++) d.onVad(0.01); // 416 ms
    expect(d.decide(word)).toMatchObject({ end: true, reason: 'confident_silence' });
  });

  it('updateOptions takes effect immediately', () => {
    const d = new TurnDetector({ ...balanced, endOfTurnConfidenceThreshold: 1 }, 32, 30);
    const s = { vad: 0, asr: 0 };
    feed(d, 1000, true, s);
    feed(d, 500, false, s);
    expect(d.decide(word).end).toBe(false);
    d.update({ endOfTurnConfidenceThreshold: 0.2 });
    expect(d.decide(word).end).toBe(true);
  });
});
