/**
 * ASR words → Turn messages with the Universal-Streaming guarantees (spec §2.2, §5.1):
 *   - finalised words never change: once a word went out with word_is_final=true the gateway keeps
 *     its own copy, whatever the worker says later;
 *   - `transcript` is the finalised words only; `words` is the finalised prefix plus the tentative tail;
 *   - times are integer milliseconds, confidences within 0–1;
 *   - on end of turn every word is final, `utterance` equals `transcript`, and turn_order moves on;
 *   - with format_turns, the final turn is punctuated and cased (formatter.ts, by the punctuation
 *     model where the gateway has one) and its transcript inverse-normalised (itn/normalize.ts): a
 *     string of its own, so `words` stay what was spoken ("twenty", "five") with their times.
 */
import type { RecognizedWord } from '../../gpu-pool/client/api.ts';
import { formatWords } from './formatter.ts';
import { inverseNormalize } from './itn/normalize.ts';
import type { Punctuation, Punctuator } from './punctuation/punctuator.ts';
import type { TurnMessage, WordMessage } from './server-messages.ts';

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/**
 * Universal-Streaming's unformatted words are lower case ("hi my name is sonny"); models trained on
 * LibriSpeech-style text emit upper case. Words without any lower-case letter are lowered, so
 * clients see the cloud's convention; the formatter then decides the casing of formatted turns.
 */
function conventionalCase(text: string): string {
  return text === text.toLocaleLowerCase('en') ? text : text === text.toLocaleUpperCase('en') ? text.toLocaleLowerCase('en') : text;
}

function toWordMessage(word: RecognizedWord, isFinal: boolean): WordMessage {
  const start = Math.max(0, Math.round(word.startMs));
  return {
    start,
    end: Math.max(start, Math.round(word.endMs)),
    text: conventionalCase(word.text),
    confidence: Math.round(clamp01(word.confidence) * 1e6) / 1e6,
    word_is_final: isFinal,
  };
}

/**
 * The engine's reasons for ending a turn, in the protocol's words (`turn_end_reason`, Pro family).
 * AssemblyAI publishes no list; these name what the client knows: the confident end-of-turn
 * rule, the max_turn_silence fallback, its own ForceEndpoint, and the session's end (Terminate,
 * inactivity or the idle rule).
 */
export const TURN_END_REASONS: Readonly<Record<string, string>> = {
  confident_silence: 'end_of_turn_confidence',
  max_silence: 'max_turn_silence',
  forced: 'force_endpoint',
  flush: 'session_end',
  // The gateway's maximum turn length (runtime/config/limits.ts) ended the turn.
  max_turn_length: 'max_turn_length',
};

/** How the worker ended a turn (the end_of_turn event's reason and silence). */
export interface TurnEnd {
  reason: string;
  silenceMs: number;
}

export class TurnBuilder {
  private turnOrder = 0;
  private finalized: WordMessage[] = [];

  /** `proFields`: final Turns carry silence_before_eot_ms and turn_end_reason (the Pro family's). */
  constructor(
    public formatTurns: boolean,
    private readonly proFields = false,
  ) {}

  /** The turn's words changed. Undefined when there is nothing to say (no words yet). */
  partial(words: RecognizedWord[]): TurnMessage | undefined {
    // Words the worker marks final, directly after our finalised prefix, join it for good.
    for (let index = this.finalized.length; index < words.length && words[index].isFinal; index++) {
      this.finalized.push(toWordMessage(words[index], true));
    }
    const tail = words.slice(this.finalized.length).map((word) => toWordMessage(word, false));
    const all = [...this.finalized, ...tail];
    if (all.length === 0) return undefined;
    return this.message(all, false, 0);
  }

  /** The turn ended: every word final. Undefined for an empty turn (nothing was said). */
  endOfTurn(words: RecognizedWord[], confidence: number, end?: TurnEnd): TurnMessage | undefined {
    return this.closeTurn(words, confidence, end)?.();
  }

  /**
   * endOfTurn with the punctuation model (format_turns only): the builder moves on to the next
   * turn at once, the message follows when the model has run (if it fails, without it).
   */
  endOfTurnPunctuated(words: RecognizedWord[], confidence: number, end: TurnEnd | undefined, punctuator: Punctuator): Promise<TurnMessage> | undefined {
    const render = this.closeTurn(words, confidence, end);
    if (!render) return undefined;
    return punctuator.punctuate(render.words.map((word) => word.text)).then(render, () => render());
  }

  private closeTurn(words: RecognizedWord[], confidence: number, end?: TurnEnd): (((punctuation?: Punctuation) => TurnMessage) & { words: WordMessage[] }) | undefined {
    const rest = words.slice(this.finalized.length).map((word) => toWordMessage(word, true));
    const all = [...this.finalized, ...rest];
    this.finalized = [];
    if (all.length === 0) return undefined;
    const turnOrder = this.turnOrder++;
    const render = (punctuation?: Punctuation): TurnMessage => {
      const message = this.message(all, true, confidence, turnOrder, punctuation);
      if (this.proFields) {
        message.silence_before_eot_ms = Math.max(0, Math.round(end?.silenceMs ?? 0));
        message.turn_end_reason = TURN_END_REASONS[end?.reason ?? ''] ?? 'session_end';
      }
      return message;
    };
    return Object.assign(render, { words: all });
  }

  private message(words: WordMessage[], endOfTurn: boolean, confidence: number, turnOrder = this.turnOrder, punctuation?: Punctuation): TurnMessage {
    const shown = this.formatTurns ? formatWords(words, endOfTurn, punctuation) : words;
    const spoken = shown
      .filter((word) => word.word_is_final)
      .map((word) => word.text)
      .join(' ');
    // Written forms ("$25.50", "March 3") only in a formatted final transcript: the words keep
    // their spoken text, times and finality, so nothing a client already has changes.
    const transcript = this.formatTurns && endOfTurn ? inverseNormalize(spoken) : spoken;
    return {
      type: 'Turn',
      turn_order: turnOrder,
      turn_is_formatted: this.formatTurns,
      end_of_turn: endOfTurn,
      transcript,
      end_of_turn_confidence: Math.round(clamp01(confidence) * 1e6) / 1e6,
      words: shown,
      utterance: endOfTurn ? transcript : '',
    };
  }
}
