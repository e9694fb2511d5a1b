import { describe, expect, it } from 'vitest';
import { FrameRule, frameDurationMs } from './audio-frames.ts';
import { TransmissionRate } from './transmission-rate.ts';

describe('frame rule', () => {
  it('measures frames by encoding and rate', () => {
    expect(frameDurationMs(3200, 16000, 'pcm_s16le')).toBe(100);
    expect(frameDurationMs(800, 8000, 'pcm_mulaw')).toBe(100);
  });

  it('accepts 50–1000 ms and refuses longer frames at once', () => {
    const rule = new FrameRule();
    expect(() => rule.check(50)).not.toThrow();
    expect(() => rule.check(1000)).not.toThrow();
    expect(() => rule.check(2000)).toThrow('Input duration violation: 2000 ms. Expected between 50 and 1000 ms');
  });

  it('forgives one short final chunk, but not audio after it', () => {
    const rule = new FrameRule();
    expect(() => rule.check(100)).not.toThrow();
    expect(() => rule.check(10)).not.toThrow();
    expect(() => rule.check(100)).toThrow('Input duration violation: 10 ms. Expected between 50 and 1000 ms');
    expect(() => new FrameRule(false).check(10)).toThrow(/10 ms/);
  });

  it('never names a refused frame with an allowed length (49.9 ms is 49, 1000.2 ms is 1001)', () => {
    expect(() => new FrameRule(false).check(49.9)).toThrow('Input duration violation: 49 ms. Expected between 50 and 1000 ms');
    expect(() => new FrameRule().check(1000.2)).toThrow('Input duration violation: 1001 ms. Expected between 50 and 1000 ms');
  });
});

describe('transmission rate', () => {
  it('allows a burst ahead of real time, then refuses with both durations', () => {
    let now = 0;
    const rate = new TransmissionRate(2000, () => now);
    for (let i = 0; i < 20; i++) rate.add(100);
    now = 500;
    expect(() => rate.add(400)).not.toThrow();
    expect(() => rate.add(200)).toThrow(/^Audio Transmission Rate Exceeded: Received 2\.6 sec\. audio in 0\.500000 sec$/);
  });
});
