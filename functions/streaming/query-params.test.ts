import { describe, expect, it } from 'vitest';
import { parseStreamingParams } from './query-params.ts';

const parse = (query: string) => parseStreamingParams(new URLSearchParams(query));

describe('parseStreamingParams', () => {
  it('applies the documented defaults', () => {
    expect(parse('')).toEqual({
      ok: true,
      params: expect.objectContaining({ sampleRate: 16000, encoding: 'pcm_s16le', formatTurns: false, keyterms: [], unsupported: [] }),
    });
  });

  it('reads booleans in any case (Node sends true, Python True)', () => {
    for (const value of ['true', 'True', 'TRUE', '1']) {
      expect(parse(`format_turns=${value}`)).toMatchObject({ ok: true, params: { formatTurns: true } });
    }
    expect(parse('format_turns=False')).toMatchObject({ ok: true, params: { formatTurns: false } });
    expect(parse('format_turns=maybe')).toMatchObject({ ok: false, message: expect.stringContaining('format_turns') });
  });

  it('reads lists as a JSON array or repeated keys, and the legacy keyterms name', () => {
    expect(parse('keyterms_prompt=%5B%22foo+bar%22%2C+%22baz%22%5D')).toMatchObject({ params: { keyterms: ['foo bar', 'baz'] } });
    expect(parse('keyterms_prompt=foo&keyterms_prompt=bar')).toMatchObject({ params: { keyterms: ['foo', 'bar'] } });
    expect(parse('keyterms=%5B%22x%22%5D')).toMatchObject({ params: { keyterms: ['x'] } });
    expect(parse('keyterms_prompt=%5Bbroken')).toMatchObject({ ok: false });
  });

  it('maps legacy names: min_end_of_turn_silence_when_confident, formatted_finals, language', () => {
    expect(parse('min_end_of_turn_silence_when_confident=160&formatted_finals=true&language=multi')).toMatchObject({
      params: { minTurnSilenceMs: 160, formatTurns: true, language: 'multi' },
    });
    expect(parse('min_turn_silence=300&min_end_of_turn_silence_when_confident=160')).toMatchObject({ params: { minTurnSilenceMs: 300 } });
  });

  it('rejects invalid values with the parameter named', () => {
    expect(parse('sample_rate=abc')).toEqual({ ok: false, message: expect.stringMatching(/^sample_rate must be an integer/) });
    expect(parse('encoding=flac')).toEqual({ ok: false, message: expect.stringMatching(/^encoding 'flac' is not supported/) });
    expect(parse('inactivity_timeout=2')).toMatchObject({ ok: false });
    expect(parse('vad_threshold=1.5')).toMatchObject({ ok: false });
  });

  it('reads numbers in plain decimal notation only: no hex, exponent, Infinity or padding', () => {
    for (const value of ['0x3e80', '1.6e4', '16e3', 'Infinity', '%2016000', '16000%20', '0b11111010000000']) {
      expect(parse(`sample_rate=${value}`), value).toMatchObject({ ok: false, message: expect.stringMatching(/^sample_rate must be an integer/) });
    }
    expect(parse('vad_threshold=5e-1')).toMatchObject({ ok: false });
    expect(parse('sample_rate=16000&vad_threshold=.5&end_of_turn_confidence_threshold=0.70')).toMatchObject({ ok: true, params: { sampleRate: 16000, vadThreshold: 0.5 } });
  });

  it('ignores unknown parameters and reports unsupported features', () => {
    expect(parse('sample_rate=8000&encoding=PCM_MULAW&whatever=1&speaker_labels=True')).toMatchObject({
      ok: true,
      params: { sampleRate: 8000, encoding: 'pcm_mulaw', unsupported: ['speaker_labels'] },
    });
  });

  it('reads session_heartbeat and acknowledge_silence (v1.2), implemented so not warned about', () => {
    expect(parse('session_heartbeat=True&acknowledge_silence=true')).toMatchObject({ ok: true, params: { sessionHeartbeat: true, acknowledgeSilence: true, unsupported: [] } });
    expect(parse('')).toMatchObject({ ok: true, params: { sessionHeartbeat: false, acknowledgeSilence: false } });
    expect(parse('acknowledge_silence=maybe')).toMatchObject({ ok: false });
  });
});
