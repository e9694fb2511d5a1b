/**
 * The small turn formatter behind format_turns=true. The default model emits lower-case words
 * without punctuation; this gives them sentence shape and nothing more:
 *   - the turn's first word starts with a capital letter, and so does the pronoun "I" (I'm, I'll...);
 *   - on end of turn, the last word gets a period unless it already ends with . ? or !
 * No inner punctuation; written numbers, dates and times come after it, in the final transcript
 * only (itn/normalize.ts, called by turn-builder.ts). Idempotent, so a model that formats by
 * itself is left as it is. `turn_is_formatted` is true exactly when this ran.
 */
import type { WordMessage } from './server-messages.ts';

const TERMINAL_PUNCTUATION = /[.?!]$/;
const PRONOUN_I = /^i('(m|ll|d|ve))?$/;

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('en') + text.slice(1);
}

export function formatWords(words: WordMessage[], endOfTurn: boolean): WordMessage[] {
  return words.map((word, index) => {
    let text = index === 0 || PRONOUN_I.test(word.text) ? capitalise(word.text) : word.text;
    if (endOfTurn && index === words.length - 1 && !TERMINAL_PUNCTUATION.test(text)) text += '.';
    return text === word.text ? word : { ...word, text };
  });
}
