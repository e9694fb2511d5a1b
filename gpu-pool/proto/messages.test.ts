/**
 * messages.ts is written by hand; this holds it to asr.proto. Every message and enum of the proto
 * has a fully populated sample typed with its TypeScript shape (`satisfies Required<...>`, so the
 * typecheck fails on a shape field the sample lacks): the sample's fields must be exactly the
 * proto's, and each request and response must come back unchanged through the loaded proto's own
 * serializers (a field the proto lacks, or of another type, would not).
 */
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import type { WireAudioEncoding, WireCapabilities, WireRecognizeRequest, WireRecognizeResponse, WireSessionConfig, WireTurnDetection, WireWord } from './messages.ts';
import { ASR_PROTO_PATH, loadStreamingRecognizer } from './proto.ts';

const turnDetection = { minTurnSilenceMs: 160, maxTurnSilenceMs: 900, vadThreshold: 0.25, endOfTurnConfidenceThreshold: 0.5 } satisfies Required<WireTurnDetection>;
const sessionConfig = {
  sessionId: 's-1',
  modelVersion: 'en-default',
  sampleRate: 8000,
  encoding: 'PCM_MULAW',
  turnDetection,
  keyterms: ['Earshot'],
  formatTurns: true,
} satisfies Required<WireSessionConfig>;
const capabilities = { decodings: ['greedy_search', 'modified_beam_search'], keytermDecodings: ['modified_beam_search'] } satisfies Required<WireCapabilities>;
const word = { text: 'hello', startMs: 120, endMs: 480, confidence: 0.75, isFinal: true } satisfies Required<WireWord>;

type Member<U, K extends string> = U extends Record<K, infer T> ? T : never;
type RequestKind = NonNullable<WireRecognizeRequest['payload']>;
type ResponseKind = NonNullable<WireRecognizeResponse['event']>;

const requests: { [K in RequestKind]: Required<Member<Extract<WireRecognizeRequest, { payload?: K }>, K>> } = {
  config: sessionConfig,
  audio: Buffer.from([1, 2, 3, 250]),
  forceEndpoint: {},
  updateConfiguration: turnDetection,
  updateKeyterms: { terms: ['gRPC', 'Earshot'] },
  finish: {},
  cancel: {},
};

const responses: { [K in ResponseKind]: Required<Member<Extract<WireRecognizeResponse, { event?: K }>, K>> } = {
  accepted: {
    workerId: 'worker-1',
    modelVersion: 'en-default',
    modelType: 'tone-ctc',
    capabilities,
    warnings: ["keyterms_prompt has no effect: the tone-ctc model's greedy_search does not use keyterms"],
  },
  speechStarted: { timestampMs: 320, confidence: 0.5 },
  words: { words: [word] },
  endOfTurn: { words: [word, { ...word, text: 'there', isFinal: false }], confidence: 0.875, reason: 'max_silence', silenceMs: 1280 },
  finished: { audioMs: 4900 },
  voiceActivity: { processedMs: 4000, silenceMs: 640, maxSpeechProbability: 0.125 },
};

const encodings: Record<WireAudioEncoding, true> = { AUDIO_ENCODING_UNSPECIFIED: true, PCM_S16LE: true, PCM_MULAW: true };

/** Each proto message's TypeScript sample, by its proto name. */
const SAMPLES: Record<string, object> = {
  RecognizeRequest: requests,
  SessionConfig: sessionConfig,
  TurnDetection: turnDetection,
  Keyterms: requests.updateKeyterms,
  ForceEndpoint: requests.forceEndpoint,
  Finish: requests.finish,
  Cancel: requests.cancel,
  RecognizeResponse: responses,
  Accepted: responses.accepted,
  Capabilities: capabilities,
  SpeechStarted: responses.speechStarted,
  Word: word,
  TurnWords: responses.words,
  EndOfTurn: responses.endOfTurn,
  VoiceActivity: responses.voiceActivity,
  Finished: responses.finished,
};

const PACKAGE = 'earshot.asr.v1.';
interface Descriptor {
  field?: Array<{ name: string }>;
  value?: Array<{ name: string }>;
}
const definition = protoLoader.loadSync(ASR_PROTO_PATH, { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true });
const types = Object.entries(definition)
  .filter(([, value]) => 'type' in value)
  .map(([name, value]) => ({ name: name.slice(PACKAGE.length), type: (value as { type: Descriptor }).type }));

/** proto3 `optional` fields come with a synthetic oneof (`_name`) that the loader also names; the code never reads them. */
function withoutSyntheticOneofs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSyntheticOneofs);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('_')).map(([key, inner]) => [key, withoutSyntheticOneofs(inner)]));
}

describe('proto/messages.ts against asr.proto', () => {
  it('every message of the proto has a TypeScript shape with exactly its fields', () => {
    const messages = types.filter(({ type }) => type.field !== undefined);
    expect(messages.map(({ name }) => name).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const { name, type } of messages) expect(Object.keys(SAMPLES[name]!).sort(), name).toEqual(type.field!.map((field) => field.name).sort());
  });

  it('the audio encodings are the proto enum\'s values', () => {
    const [encoding, ...others] = types.filter(({ type }) => type.value !== undefined);
    expect(others).toEqual([]);
    expect(encoding!.name).toBe('AudioEncoding');
    expect(Object.keys(encodings).sort()).toEqual(encoding!.type.value!.map((value) => value.name).sort());
  });

  it('every request and response kind comes back unchanged through the proto, with its oneof named', () => {
    const { Recognize } = loadStreamingRecognizer().service;
    for (const [kind, payload] of Object.entries(requests)) {
      const decoded = withoutSyntheticOneofs(Recognize.requestDeserialize(Recognize.requestSerialize({ [kind]: payload })));
      expect(decoded, kind).toEqual({ payload: kind, [kind]: payload });
    }
    for (const [kind, event] of Object.entries(responses)) {
      const decoded = withoutSyntheticOneofs(Recognize.responseDeserialize(Recognize.responseSerialize({ [kind]: event })));
      expect(decoded, kind).toEqual({ event: kind, [kind]: event });
    }
  });
});
