/**
 * Text frames from the client (spec §3): JSON objects with a known `type`. Anything else is
 * a 3006 ProtocolError. Parsed, never string-compared (the seed's example sends `{"type": "Terminate"}`).
 */
import { z } from 'zod';
import { numberInRange, TURN_DETECTION_RANGES } from '../../gpu-pool/session-settings.ts';
import { CloseCode, ErrorText, excerpt, ProtocolError } from './protocol-errors.ts';

/** What UpdateConfiguration may change mid-session; values are proper JSON types. */
export interface ConfigurationUpdate {
  endOfTurnConfidenceThreshold?: number;
  minTurnSilenceMs?: number;
  maxTurnSilenceMs?: number;
  vadThreshold?: number;
  formatTurns?: boolean;
  keyterms?: string[];
  sessionHeartbeat?: boolean;
  acknowledgeSilence?: boolean;
}

export type ClientMessage =
  | { type: 'Terminate' }
  | { type: 'ForceEndpoint' }
  | { type: 'KeepAlive' }
  | { type: 'UpdateConfiguration'; update: ConfigurationUpdate };

// Unknown keys (prompt, agent_context, language_codes, ...) are accepted and ignored, as for query parameters.
const updateSchema = z.object({
  end_of_turn_confidence_threshold: numberInRange(TURN_DETECTION_RANGES.endOfTurnConfidenceThreshold).optional(),
  min_turn_silence: numberInRange(TURN_DETECTION_RANGES.minTurnSilenceMs).optional(),
  min_end_of_turn_silence_when_confident: numberInRange(TURN_DETECTION_RANGES.minTurnSilenceMs).optional(),
  max_turn_silence: numberInRange(TURN_DETECTION_RANGES.maxTurnSilenceMs).optional(),
  vad_threshold: numberInRange(TURN_DETECTION_RANGES.vadThreshold).optional(),
  format_turns: z.boolean().optional(),
  keyterms_prompt: z.array(z.string()).optional(),
  session_heartbeat: z.boolean().optional(),
  acknowledge_silence: z.boolean().optional(),
});

export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidJson(excerpt(text)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidMessage(excerpt(text)));
  }
  const type = (value as { type?: unknown }).type;
  switch (type) {
    case 'Terminate':
    case 'ForceEndpoint':
    case 'KeepAlive':
      return { type };
    case 'UpdateConfiguration': {
      const parsed = updateSchema.safeParse(value);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
        throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidMessage(`UpdateConfiguration ${detail}`));
      }
      const u = parsed.data;
      const update: ConfigurationUpdate = {
        endOfTurnConfidenceThreshold: u.end_of_turn_confidence_threshold,
        minTurnSilenceMs: u.min_turn_silence ?? u.min_end_of_turn_silence_when_confident,
        maxTurnSilenceMs: u.max_turn_silence,
        vadThreshold: u.vad_threshold,
        formatTurns: u.format_turns,
        keyterms: u.keyterms_prompt,
        sessionHeartbeat: u.session_heartbeat,
        acknowledgeSilence: u.acknowledge_silence,
      };
      return { type, update: Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as ConfigurationUpdate };
    }
    default:
      throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidMessageType(typeof type === 'string' ? excerpt(type, 100) : excerpt(JSON.stringify(type ?? null), 100)));
  }
}
