import { describe, expect, it } from 'vitest';
import { validateStreamOptions, validateTurnOptions } from './engine/stream/options.ts';
import { toKeyterms, toStreamOptions, toTurnDetectionUpdate } from './grpc/session-options.ts';
import {
  cutKeytermsToLimits,
  DEFAULT_TURN_DETECTION,
  keytermsWithinLimits,
  MAX_KEYTERM_LENGTH,
  MAX_KEYTERMS,
  SAMPLE_RATE_RANGE,
  TURN_DETECTION_RANGES,
  turnSilenceOrderProblem,
  type Range,
  type TurnDetectionOptions,
} from './session-settings.ts';

/** Values a setting must accept (its bounds) and refuse (just beyond them, and a fraction where it takes integers). */
function edges({ min, max, integer }: Range): { accepted: number[]; refused: number[] } {
  const step = integer ? 1 : 0.001;
  return { accepted: [min, max], refused: [min - step, max + step, ...(integer ? [min + 0.5] : [])] };
}

const wireConfig = { sessionId: 's', modelVersion: 'en-default', sampleRate: 16000, encoding: 'PCM_S16LE' as const };
const engineOptions = { sampleRate: 16000, encoding: 'pcm_s16le' as const, ...DEFAULT_TURN_DETECTION };

/** Whether the worker's SessionConfig adapter, its update adapter and the engine each accept one turn-detection value. */
function acceptance(name: keyof TurnDetectionOptions, value: number): boolean[] {
  // The other silence moves out of the way, so only the range is tested, not min ≤ max.
  const room: Partial<TurnDetectionOptions> = name === 'minTurnSilenceMs' ? { maxTurnSilenceMs: 60_000 } : name === 'maxTurnSilenceMs' ? { minTurnSilenceMs: 0 } : {};
  const accepts = (run: () => void) => {
    try {
      run();
      return true;
    } catch {
      return false;
    }
  };
  return [
    toStreamOptions({ ...wireConfig, turnDetection: { ...room, [name]: value } }).ok,
    toTurnDetectionUpdate({ [name]: value }, { ...DEFAULT_TURN_DETECTION, ...room }).ok,
    accepts(() => validateStreamOptions({ ...engineOptions, ...room, [name]: value })),
    accepts(() => validateTurnOptions({ [name]: value })),
  ];
}

describe('the session-settings contract, as the worker and the engine apply it', () => {
  for (const [name, range] of Object.entries(TURN_DETECTION_RANGES) as Array<[keyof TurnDetectionOptions, Range]>) {
    it(`${name}: the worker and the engine accept [${range.min}, ${range.max}] and refuse what lies beyond`, () => {
      const { accepted, refused } = edges(range);
      for (const value of accepted) expect(acceptance(name, value), `${name}=${value}`).toEqual([true, true, true, true]);
      for (const value of refused) expect(acceptance(name, value), `${name}=${value}`).toEqual([false, false, false, false]);
    });
  }

  it('sample rates: the bounds are accepted, beyond them refused, by the worker and the engine', () => {
    const { accepted, refused } = edges(SAMPLE_RATE_RANGE);
    for (const sampleRate of accepted) {
      expect(toStreamOptions({ ...wireConfig, sampleRate })).toMatchObject({ ok: true, value: { sampleRate } });
      expect(() => validateStreamOptions({ ...engineOptions, sampleRate })).not.toThrow();
    }
    for (const sampleRate of [...refused, undefined]) {
      expect(toStreamOptions({ ...wireConfig, sampleRate })).toMatchObject({ ok: false, message: expect.stringMatching(/^sampleRate: /) });
      expect(() => validateStreamOptions({ ...engineOptions, sampleRate: sampleRate as number })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('fills in the balanced defaults and maps the wire encodings; an unknown encoding is refused', () => {
    expect(toStreamOptions(wireConfig)).toEqual({ ok: true, value: { ...DEFAULT_TURN_DETECTION, sampleRate: 16000, encoding: 'pcm_s16le', keyterms: [] } });
    expect(toStreamOptions({ ...wireConfig, encoding: 'PCM_MULAW' })).toMatchObject({ ok: true, value: { encoding: 'pcm_mulaw' } });
    expect(toStreamOptions({ ...wireConfig, encoding: undefined })).toMatchObject({ ok: true, value: { encoding: 'pcm_s16le' } });
    for (const encoding of ['FLAC', 'toString']) expect(toStreamOptions({ ...wireConfig, encoding: encoding as 'PCM_S16LE' })).toMatchObject({ ok: false, message: expect.stringMatching(/^encoding: /) });
  });

  it('min_turn_silence may not exceed max_turn_silence, the default counting for the one not given', () => {
    expect(turnSilenceOrderProblem({ minTurnSilenceMs: DEFAULT_TURN_DETECTION.maxTurnSilenceMs })).toBeUndefined();
    expect(turnSilenceOrderProblem({ minTurnSilenceMs: DEFAULT_TURN_DETECTION.maxTurnSilenceMs + 1 })).toBe(`min_turn_silence (1281) exceeds max_turn_silence (1280)`);
    expect(turnSilenceOrderProblem({ maxTurnSilenceMs: DEFAULT_TURN_DETECTION.minTurnSilenceMs - 1 })).toBe(`min_turn_silence (400) exceeds max_turn_silence (399)`);
    expect(toStreamOptions({ ...wireConfig, turnDetection: { minTurnSilenceMs: 2000 } })).toEqual({ ok: false, message: 'min_turn_silence (2000) exceeds max_turn_silence (1280)' });
    expect(toTurnDetectionUpdate({ minTurnSilenceMs: 2000 }, DEFAULT_TURN_DETECTION)).toMatchObject({ ok: false });
    expect(toTurnDetectionUpdate({ maxTurnSilenceMs: 3000, minTurnSilenceMs: 2000 }, DEFAULT_TURN_DETECTION)).toMatchObject({ ok: true, value: { next: { minTurnSilenceMs: 2000, maxTurnSilenceMs: 3000 } } });
  });

  it('keyterms the gateway cut to the limits are what the worker accepts; one term or one character more is refused', () => {
    const long = Array.from({ length: MAX_KEYTERMS + 5 }, (_, i) => `${i}`.padEnd(MAX_KEYTERM_LENGTH + 3, 'x'));
    expect(keytermsWithinLimits(long)).toBe(false);
    const cut = cutKeytermsToLimits(long);
    expect(cut).toHaveLength(MAX_KEYTERMS);
    expect(cut.every((term) => term.length === MAX_KEYTERM_LENGTH)).toBe(true);
    expect(keytermsWithinLimits(cut)).toBe(true);
    expect(toKeyterms(cut)).toEqual({ ok: true, value: cut });
    expect(toStreamOptions({ ...wireConfig, keyterms: cut })).toMatchObject({ ok: true, value: { keyterms: cut } });
    for (const over of [[...cut, 'one more'], [...cut.slice(1), 'x'.repeat(MAX_KEYTERM_LENGTH + 1)]]) {
      expect(keytermsWithinLimits(over)).toBe(false);
      expect(toKeyterms(over)).toMatchObject({ ok: false });
      expect(toStreamOptions({ ...wireConfig, keyterms: over })).toMatchObject({ ok: false, message: expect.stringMatching(/^keyterms/) });
    }
  });
});
