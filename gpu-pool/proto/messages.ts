/**
 * TypeScript shapes of the asr.proto messages as @grpc/proto-loader decodes them with the options
 * in proto.ts (camelCase, enum names, oneof discriminators). Kept by hand beside the loader because
 * the .proto is small; messages.test.ts fails when the two disagree.
 */

export type WireAudioEncoding = 'AUDIO_ENCODING_UNSPECIFIED' | 'PCM_S16LE' | 'PCM_MULAW';

export interface WireTurnDetection {
  minTurnSilenceMs?: number;
  maxTurnSilenceMs?: number;
  vadThreshold?: number;
  endOfTurnConfidenceThreshold?: number;
}

export interface WireSessionConfig {
  sessionId?: string;
  modelVersion?: string;
  sampleRate?: number;
  encoding?: WireAudioEncoding;
  turnDetection?: WireTurnDetection;
  keyterms?: string[];
  formatTurns?: boolean;
}

export type WireRecognizeRequest =
  | { payload?: 'config'; config: WireSessionConfig }
  | { payload?: 'audio'; audio: Uint8Array }
  | { payload?: 'forceEndpoint'; forceEndpoint: Record<string, never> }
  | { payload?: 'updateConfiguration'; updateConfiguration: WireTurnDetection }
  | { payload?: 'updateKeyterms'; updateKeyterms: { terms?: string[] } }
  | { payload?: 'finish'; finish: Record<string, never> }
  | { payload?: 'cancel'; cancel: Record<string, never> };

export interface WireWord {
  text: string;
  startMs: number;
  endMs: number;
  confidence: number;
  isFinal: boolean;
}

export interface WireCapabilities {
  decodings?: string[];
  keytermDecodings?: string[];
}

export interface WireAccepted {
  workerId: string;
  modelVersion: string;
  modelType: string;
  capabilities?: WireCapabilities;
  warnings?: string[];
}

export type WireRecognizeResponse =
  | { event?: 'accepted'; accepted: WireAccepted }
  | { event?: 'speechStarted'; speechStarted: { timestampMs: number; confidence: number } }
  | { event?: 'words'; words: { words?: WireWord[] } }
  | { event?: 'endOfTurn'; endOfTurn: { words?: WireWord[]; confidence?: number; reason?: string; silenceMs?: number } }
  | { event?: 'finished'; finished: { audioMs?: number } }
  | { event?: 'voiceActivity'; voiceActivity: { processedMs?: number; silenceMs?: number; maxSpeechProbability?: number } };

/** Which oneof member a decoded request carries (the loader sets `payload`; hand-built ones may not). */
export function requestKind(request: WireRecognizeRequest): NonNullable<WireRecognizeRequest['payload']> | undefined {
  if (request.payload) return request.payload;
  for (const key of ['config', 'audio', 'forceEndpoint', 'updateConfiguration', 'updateKeyterms', 'finish', 'cancel'] as const) {
    if (key in request && (request as Record<string, unknown>)[key] !== undefined) return key;
  }
  return undefined;
}

/** Which oneof member a decoded response carries. */
export function responseKind(response: WireRecognizeResponse): NonNullable<WireRecognizeResponse['event']> | undefined {
  if (response.event) return response.event;
  for (const key of ['accepted', 'speechStarted', 'words', 'endOfTurn', 'finished', 'voiceActivity'] as const) {
    if (key in response && (response as Record<string, unknown>)[key] !== undefined) return key;
  }
  return undefined;
}
