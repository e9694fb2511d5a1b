/** Engine StreamEvents → wire RecognizeResponses (errors are not events on the wire: they end the call). */
import type { RecognizedWord, StreamEvent } from '../engine/api.ts';
import type { WireRecognizeResponse, WireWord } from '../proto/messages.ts';

function toWireWord(word: RecognizedWord): WireWord {
  return {
    text: word.text,
    // uint32 on the wire: engine times are non-negative integers of the stream's audio clock.
    startMs: Math.max(0, Math.round(word.startMs)),
    endMs: Math.max(0, Math.round(word.endMs)),
    confidence: word.confidence,
    isFinal: word.isFinal,
  };
}

export function toWireResponse(event: Exclude<StreamEvent, { kind: 'error' }>): WireRecognizeResponse {
  switch (event.kind) {
    case 'speech_started':
      return {
        event: 'speechStarted',
        speechStarted: { timestampMs: Math.max(0, Math.round(event.timestampMs)), confidence: event.confidence },
      };
    case 'words':
      return { event: 'words', words: { words: event.words.map(toWireWord) } };
    case 'end_of_turn':
      return {
        event: 'endOfTurn',
        endOfTurn: { words: event.words.map(toWireWord), confidence: event.confidence, reason: event.reason, silenceMs: Math.max(0, Math.round(event.silenceMs)) },
      };
    case 'voice_activity':
      return {
        event: 'voiceActivity',
        voiceActivity: {
          processedMs: Math.max(0, Math.round(event.processedMs)),
          silenceMs: Math.max(0, Math.round(event.silenceMs)),
          maxSpeechProbability: event.maxSpeechProbability,
        },
      };
  }
}
