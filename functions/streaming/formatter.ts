/**
 * The turn formatter behind format_turns=true. The default model emits lower-case words without
 * punctuation; this gives them written shape:
 *   - partial turns: the first word starts with a capital letter, and so does the pronoun "I";
 *   - final turns: the punctuation model's marks (, . ?) and casing (punctuation/punctuator.ts),
 *     a capital after every sentence end, and a turn that ends in . or ?. Without the model (or
 *     when it fails) the final turn gets the partial rules and a closing period.
 * Written numbers, dates and times come after it, in the final transcript only (itn/normalize.ts,
 * called by turn-builder.ts). Idempotent on text that already carries its marks, so a model that
 * formats by itself is left as it is. `turn_is_formatted` is true exactly when this ran.
 */
import type { Punctuation } from './punctuation/punctuator.ts';
import type { WordMessage } from './server-messages.ts';

const TERMINAL_PUNCTUATION = /[.?!]$/;
const ANY_PUNCTUATION = /[.,?!;:]$/;
const PRONOUN_I = /^i('(m|ll|d|ve))?$/;

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('en') + text.slice(1);
}

export function formatWords(words: WordMessage[], endOfTurn: boolean, punctuation?: Punctuation): WordMessage[] {
  if (endOfTurn && punctuation && punctuation.marks.length === words.length) return punctuate(words, punctuation);
  return words.map((word, index) => {
    let text = index === 0 || PRONOUN_I.test(word.text) ? capitalise(word.text) : word.text;
    if (endOfTurn && index === words.length - 1 && !TERMINAL_PUNCTUATION.test(text)) text += '.';
    return text === word.text ? word : { ...word, text };
  });
}

function punctuate(words: WordMessage[], { marks, cases }: Punctuation): WordMessage[] {
  let sentenceStart = true;
  return words.map((word, index) => {
    let text = word.text;
    const wordCase = cases[index];
    if (wordCase === 'upper') text = text.toLocaleUpperCase('en');
    else if (wordCase === 'capital' || sentenceStart || PRONOUN_I.test(text)) text = capitalise(text);
    let mark = marks[index] ?? '';
    if (index === words.length - 1 && mark !== '?') mark = '.';
    if (mark && !ANY_PUNCTUATION.test(text)) text += mark;
    sentenceStart = TERMINAL_PUNCTUATION.test(text);
    return text === word.text ? word : { ...word, text };
  });
}
