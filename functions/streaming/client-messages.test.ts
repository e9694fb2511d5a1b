import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './client-messages.ts';
import { ProtocolError } from './protocol-errors.ts';

function failure(text: string): { code: number; message: string } {
  try {
    parseClientMessage(text);
  } catch (error) {
    if (error instanceof ProtocolError) return { code: error.code, message: error.message };
  }
  throw new Error('expected a ProtocolError');
}

describe('parseClientMessage', () => {
  it('parses the four client messages, whitespace and all', () => {
    expect(parseClientMessage('{"type": "Terminate"}')).toEqual({ type: 'Terminate' });
    expect(parseClientMessage('{"type":"ForceEndpoint"}')).toEqual({ type: 'ForceEndpoint' });
    expect(parseClientMessage('{"type":"KeepAlive"}')).toEqual({ type: 'KeepAlive' });
    expect(parseClientMessage('{"type":"UpdateConfiguration","max_turn_silence":900,"format_turns":true,"prompt":"x"}')).toEqual({
      type: 'UpdateConfiguration',
      update: { maxTurnSilenceMs: 900, formatTurns: true },
    });
    expect(parseClientMessage('{"type":"UpdateConfiguration","session_heartbeat":true,"acknowledge_silence":false}')).toEqual({
      type: 'UpdateConfiguration',
      update: { sessionHeartbeat: true, acknowledgeSilence: false },
    });
  });

  it('answers bad frames with 3006 and the cloud texts', () => {
    expect(failure('not json')).toEqual({ code: 3006, message: 'Invalid JSON: not json' });
    expect(failure('[]')).toEqual({ code: 3006, message: 'Invalid Message: []' });
    expect(failure('42')).toEqual({ code: 3006, message: 'Invalid Message: 42' });
    expect(failure('{"type":"Dance"}')).toEqual({ code: 3006, message: 'Invalid Message Type: Dance' });
    expect(failure('{}')).toEqual({ code: 3006, message: 'Invalid Message Type: null' });
    expect(failure('{"type":"UpdateConfiguration","vad_threshold":"high"}').message).toMatch(/^Invalid Message: UpdateConfiguration vad_threshold/);
  });
});
