/**
 * The gateway's parsers against the session-settings contract (gpu-pool/session-settings.ts): a
 * value the gateway takes from the query or from UpdateConfiguration is one the worker takes,
 * and a value the worker would refuse after Begin is refused by the gateway first.
 */
import { describe, expect, it } from 'vitest';
import { toStreamOptions } from '../../gpu-pool/grpc/session-options.ts';
import { SAMPLE_RATE_RANGE, TURN_DETECTION_RANGES, type Range, type TurnDetectionOptions } from '../../gpu-pool/session-settings.ts';
import { parseClientMessage } from './client-messages.ts';
import { parseStreamingParams } from './query-params.ts';

const QUERY_AND_JSON_NAMES: Record<keyof TurnDetectionOptions, string[]> = {
  minTurnSilenceMs: ['min_turn_silence', 'min_end_of_turn_silence_when_confident'],
  maxTurnSilenceMs: ['max_turn_silence'],
  vadThreshold: ['vad_threshold'],
  endOfTurnConfidenceThreshold: ['end_of_turn_confidence_threshold'],
};

function edges({ min, max, integer }: Range): { accepted: number[]; refused: number[] } {
  const step = integer ? 1 : 0.001;
  return { accepted: [min, max], refused: [min - step, max + step, ...(integer ? [min + 0.5] : [])] };
}

function queryAccepts(name: string, value: number): boolean {
  return parseStreamingParams(new URLSearchParams({ [name]: String(value) })).ok;
}

function updateAccepts(name: string, value: number): boolean {
  try {
    parseClientMessage(JSON.stringify({ type: 'UpdateConfiguration', [name]: value }));
    return true;
  } catch {
    return false;
  }
}

function workerAccepts(setting: keyof TurnDetectionOptions, value: number): boolean {
  const room = setting === 'minTurnSilenceMs' ? { maxTurnSilenceMs: 60_000 } : setting === 'maxTurnSilenceMs' ? { minTurnSilenceMs: 0 } : {};
  return toStreamOptions({ sampleRate: 16000, turnDetection: { ...room, [setting]: value } }).ok;
}

describe('the gateway parses session settings by the contract the worker applies', () => {
  for (const [setting, names] of Object.entries(QUERY_AND_JSON_NAMES) as Array<[keyof TurnDetectionOptions, string[]]>) {
    it(`${names.join(' / ')}: the query and UpdateConfiguration accept exactly what the worker accepts`, () => {
      const { accepted, refused } = edges(TURN_DETECTION_RANGES[setting]);
      for (const name of names) {
        for (const value of accepted) expect([queryAccepts(name, value), updateAccepts(name, value), workerAccepts(setting, value)], `${name}=${value}`).toEqual([true, true, true]);
        for (const value of refused) expect([queryAccepts(name, value), updateAccepts(name, value), workerAccepts(setting, value)], `${name}=${value}`).toEqual([false, false, false]);
      }
    });
  }

  it('sample_rate: the query accepts exactly the worker\'s range', () => {
    const { accepted, refused } = edges(SAMPLE_RATE_RANGE);
    for (const value of accepted) expect([queryAccepts('sample_rate', value), toStreamOptions({ sampleRate: value }).ok], `${value}`).toEqual([true, true]);
    for (const value of refused) expect([queryAccepts('sample_rate', value), toStreamOptions({ sampleRate: value }).ok], `${value}`).toEqual([false, false]);
  });
});
