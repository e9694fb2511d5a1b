/**
 * Spoken English numbers → values: the lexicon and a small grammar for cardinals ("two hundred
 * and five", "a thousand", "twenty one thousand"), ordinals ("twenty first", "hundredth") and
 * single spoken digits ("oh", "zero"). Pure functions over lower-case words; normalize.ts decides
 * what the numbers mean (money, a time, a phone number...) and how they are written.
 */

export const UNITS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
};
export const TEENS: Readonly<Record<string, number>> = {
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
export const TENS: Readonly<Record<string, number>> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
export const SCALES: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

const ORDINAL_UNITS: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
};
const ORDINAL_TEENS: Readonly<Record<string, number>> = {
  tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
};
const ORDINAL_TENS: Readonly<Record<string, number>> = {
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90,
};
const ORDINAL_SCALES: Readonly<Record<string, number>> = { hundredth: 100, thousandth: 1e3, millionth: 1e6 };

/** A spoken digit, as in phone numbers and times: zero–nine and "oh". */
export function digitOf(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  return word === 'oh' || word === 'o' ? 0 : UNITS[word];
}

export function isNumberWord(word: string | undefined): boolean {
  return word !== undefined && (word in UNITS || word in TEENS || word in TENS || word in SCALES || word === 'hundred');
}

type Last = 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'and';

export interface ParsedNumber {
  value: number;
  /** Index after the last word used. */
  end: number;
  /** The largest scale word used last ("five million" → 1e6), for writing "5 million". */
  trailingScale?: number;
  ordinal?: boolean;
}

/**
 * The longest cardinal (or ordinal) starting at `start`, reading `words[start..limit)`.
 * Each word may follow only what it may follow in speech: "twenty one" but not "one twenty"
 * (that is two numbers: normalize.ts decides whether it is a time or a year).
 */
export function parseNumber(words: readonly string[], start: number, limit = words.length): ParsedNumber | undefined {
  let total = 0;
  let current = 0;
  let last: Last = 'none';
  let lastScale = Infinity;
  let best: ParsedNumber | undefined;
  let trailingScale: number | undefined;
  let index = start;
  if (words[index] === 'a' && (words[index + 1] === 'hundred' || words[index + 1] in SCALES) && index + 1 < limit) {
    current = 1;
    last = 'unit';
    index++;
  }
  for (; index < limit; index++) {
    const word = words[index];
    const done = (value: number, ordinal = false) => (best = { value, end: index + 1, trailingScale, ordinal });
    if (word in UNITS || word in ORDINAL_UNITS) {
      if (word === 'zero' && last !== 'none') break;
      if (last === 'unit' || last === 'teen') break;
      const value = UNITS[word] ?? ORDINAL_UNITS[word];
      current += value;
      trailingScale = undefined;
      last = 'unit';
      if (word in ORDINAL_UNITS) return done(total + current, true);
      done(total + current);
      if (word === 'zero') break;
    } else if (word in TEENS || word in ORDINAL_TEENS) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += TEENS[word] ?? ORDINAL_TEENS[word];
      trailingScale = undefined;
      last = 'teen';
      if (word in ORDINAL_TEENS) return done(total + current, true);
      done(total + current);
    } else if (word in TENS || word in ORDINAL_TENS) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += TENS[word] ?? ORDINAL_TENS[word];
      trailingScale = undefined;
      last = 'tens';
      if (word in ORDINAL_TENS) return done(total + current, true);
      done(total + current);
    } else if (word === 'hundredth' && last === 'none') {
      return done(100, true); // "the hundredth"
    } else if (word === 'hundred' || word === 'hundredth') {
      // "two hundred", "fifteen hundred"; not "twenty hundred" or "one hundred hundred".
      if (!(last === 'unit' || last === 'teen') || current % 100 === 0) break;
      current *= 100;
      trailingScale = undefined;
      last = 'hundred';
      if (word === 'hundredth') return done(total + current, true);
      done(total + current);
    } else if (word in SCALES || word === 'thousandth' || word === 'millionth') {
      const scale = SCALES[word] ?? ORDINAL_SCALES[word];
      if (current === 0 || scale >= lastScale || last === 'and') break;
      total += current * scale;
      current = 0;
      lastScale = scale;
      trailingScale = scale;
      last = 'scale';
      if (word in ORDINAL_SCALES) return done(total, true);
      done(total);
    } else if (word === 'and') {
      // "one hundred and five", "two thousand and ten": only between a hundred/scale and a smaller number.
      if (!(last === 'hundred' || last === 'scale')) break;
      const next = words[index + 1];
      if (index + 1 >= limit || !(next in UNITS || next in TEENS || next in TENS || next in ORDINAL_UNITS || next in ORDINAL_TEENS || next in ORDINAL_TENS)) break;
      last = 'and';
    } else {
      break;
    }
  }
  return best;
}

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function ordinalSuffix(value: number): string {
  const lastTwo = value % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${value}th`;
  return `${value}${['th', 'st', 'nd', 'rd'][value % 10] ?? 'th'}`;
}
