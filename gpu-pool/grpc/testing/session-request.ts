/**
 * The plain session the pool tests open (en-default, 16 kHz PCM, no options): one definition, so a
 * new required field in AsrSessionRequest is added once for every test that only needs "a session".
 */
import type { AsrSessionRequest } from '../../client/api.ts';

export function plainSessionRequest(sessionId: string): AsrSessionRequest {
  return { sessionId, modelVersion: 'en-default', sampleRate: 16000, encoding: 'pcm_s16le', turnDetection: {}, keyterms: [], formatTurns: false };
}
