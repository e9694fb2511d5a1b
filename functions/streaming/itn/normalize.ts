/**
 * Inverse text normalisation of a formatted final transcript (format_turns=true): spoken forms →
 * written forms, by grammar rules, in this order at each word:
 *   dates      "march third twenty twenty four" → "March 3, 2024"; "the fifth of may" → "May 5"
 *   times      "three thirty p m" → "3:30 PM"; "seven a m" → "7 AM"; "ten o'clock" → "10:00"; "at four fifteen" → "at 4:15"
 *   money      "twenty five dollars and fifty cents" → "$25.50"; "five million dollars" → "$5 million"; "ten euros" → "€10"; "fifty cents" → "50¢"
 *   percents   "three point five percent" → "3.5%"
 *   units      "five kilometers" → "5 km"; "seventy degrees fahrenheit" → "70 °F"
 *   phone numbers and spelled-out digits  "five five five one two three four" → "555-1234"; "one two three" → "123"
 *   years      "nineteen eighty four" → "1984"; decades "nineteen sixties" → "1960s"
 *   decimals   "zero point two five" → "0.25"
 *   ordinals   "twenty first" → "21st" (first–ninth stay words)
 *   cardinals  "twenty five" → "25", "twelve thousand" → "12,000" (zero–nine stay words)
 * It works on the transcript string only: the words, their times and their finality are never
 * touched (turn-builder.ts), so a turn reads "$25.50" while its words still say "twenty five".
 * Punctuation ends a span: "five, six" stays two numbers. Anything it cannot read stays as spoken.
 */
import { digitOf, isNumberWord, ordinalSuffix, parseNumber, type ParsedNumber } from './number-words.ts';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Months that are also common words: a date only with an ordinal day ("may fifth", not "may one"). */
const AMBIGUOUS_MONTHS = new Set(['may', 'march']);

const CURRENCIES: Readonly<Record<string, string>> = { dollar: '$', dollars: '$', bucks: '$', euro: '€', euros: '€' };
const CENTS = new Set(['cent', 'cents']);

/** Unit words (one or more) → symbol; the longest match wins ("miles per hour" before "miles"). */
const UNITS: ReadonlyArray<[string[], string]> = [
  [['miles', 'per', 'hour'], 'mph'],
  [['kilometers', 'per', 'hour'], 'km/h'],
  [['kilometres', 'per', 'hour'], 'km/h'],
  [['degrees', 'fahrenheit'], '°F'],
  [['degrees', 'celsius'], '°C'],
  [['degrees', 'centigrade'], '°C'],
  [['degrees'], '°'],
  [['kilometers'], 'km'], [['kilometer'], 'km'], [['kilometres'], 'km'], [['kilometre'], 'km'],
  [['meters'], 'm'], [['meter'], 'm'], [['metres'], 'm'], [['metre'], 'm'],
  [['centimeters'], 'cm'], [['centimeter'], 'cm'], [['centimetres'], 'cm'],
  [['millimeters'], 'mm'], [['millimeter'], 'mm'], [['millimetres'], 'mm'],
  [['kilograms'], 'kg'], [['kilogram'], 'kg'], [['kilos'], 'kg'],
  [['grams'], 'g'], [['gram'], 'g'], [['milligrams'], 'mg'],
  [['pounds'], 'lb'], [['pound'], 'lb'], [['ounces'], 'oz'], [['ounce'], 'oz'],
  [['feet'], 'ft'], [['foot'], 'ft'], [['inches'], 'in'], [['inch'], 'in'],
  [['miles'], 'mi'], [['mile'], 'mi'],
  [['liters'], 'L'], [['liter'], 'L'], [['litres'], 'L'], [['milliliters'], 'mL'],
  [['gigabytes'], 'GB'], [['megabytes'], 'MB'], [['terabytes'], 'TB'], [['kilobytes'], 'KB'],
  [['hertz'], 'Hz'], [['kilohertz'], 'kHz'], [['megahertz'], 'MHz'],
  [['watts'], 'W'], [['kilowatts'], 'kW'], [['volts'], 'V'],
];

interface Token {
  /** Lower-case word without surrounding punctuation. */
  core: string;
  lead: string;
  tail: string;
  raw: string;
}

function tokenize(text: string): Token[] {
  return text
    .split(' ')
    .filter(Boolean)
    .map((raw) => {
      const match = /^([("'\u201c]*)(.*?)([.,!?;:)"'\u201d]*)$/.exec(raw)!;
      return { raw, lead: match[1], core: match[2].toLocaleLowerCase('en'), tail: match[3] };
    });
}

interface Replacement {
  text: string;
  end: number;
}

class Reader {
  /** The words a span may read from `start`: up to and including the first word with punctuation after it. */
  readonly words: string[];

  constructor(private readonly tokens: Token[]) {
    this.words = tokens.map((token) => token.core);
  }

  /** Index after the last word a span starting at `start` may use. */
  limit(start: number): number {
    let index = start;
    while (index < this.tokens.length && this.tokens[index].tail === '' && this.tokens[index + 1]?.lead === '') index++;
    return Math.min(this.tokens.length, index + 1);
  }

  word(index: number, limit: number): string | undefined {
    return index < limit ? this.words[index] : undefined;
  }
}

function withCommas(value: number): string {
  return value >= 10_000 ? value.toLocaleString('en-US') : String(value);
}

/** How a number is written: "5 million" for round millions and up, grouped digits from 10,000. */
function cardinalText(parsed: { value: number; trailingScale?: number; decimals?: string }): string {
  if (parsed.decimals !== undefined) return `${parsed.value}.${parsed.decimals}`;
  const scale = parsed.trailingScale;
  if (scale !== undefined && scale >= 1e6 && parsed.value % scale === 0 && parsed.value / scale < 1000) {
    return `${parsed.value / scale} ${scale === 1e6 ? 'million' : scale === 1e9 ? 'billion' : 'trillion'}`;
  }
  return withCommas(parsed.value);
}

interface Quantity extends ParsedNumber {
  /** Digits after "point", as spoken ("three point one four" → "14"). */
  decimals?: string;
  /** A scale after a decimal, kept as a word: "one point five million" → "1.5 million". */
  scaleWord?: string;
}

/** A cardinal, optionally with a decimal part ("three point one four", "point five"), or a decimal with a scale ("one point five million"). */
function quantityAt(reader: Reader, start: number, limit: number): Quantity | undefined {
  let parsed: Quantity | undefined = reader.word(start, limit) === 'point' ? { value: 0, end: start } : parseNumber(reader.words, start, limit);
  if (!parsed || parsed.ordinal) return parsed;
  if (reader.word(parsed.end, limit) === 'point' && parsed.trailingScale === undefined) {
    let index = parsed.end + 1;
    let decimals = '';
    for (let digit = digitOf(reader.word(index, limit)); digit !== undefined; digit = digitOf(reader.word(++index, limit))) decimals += digit;
    if (decimals === '') return parsed.end === start ? undefined : parsed;
    parsed = { value: parsed.value, end: index, decimals };
    const scaleWord = reader.word(index, limit);
    if (scaleWord === 'million' || scaleWord === 'billion' || scaleWord === 'trillion') {
      return { value: Number(`${parsed.value}.${decimals}`), end: index + 1, scaleWord };
    }
  }
  return parsed.end === start ? undefined : parsed;
}

function quantityText(quantity: Quantity): string {
  return quantity.scaleWord ? `${quantity.value} ${quantity.scaleWord}` : cardinalText(quantity);
}

/** "a m", "am", "a.m.", "p m", "pm", "p.m." → AM/PM and the index after it. */
function meridiemAt(reader: Reader, index: number, limit: number): { text: string; end: number } | undefined {
  const word = reader.word(index, limit);
  if (word === 'am' || word === 'a.m' || word === 'a.m.') return { text: 'AM', end: index + 1 };
  if (word === 'pm' || word === 'p.m' || word === 'p.m.') return { text: 'PM', end: index + 1 };
  if ((word === 'a' || word === 'p') && reader.word(index + 1, limit) === 'm') return { text: word === 'a' ? 'AM' : 'PM', end: index + 2 };
  return undefined;
}

/** Minutes after an hour: "thirty" → 30, "oh five" → 05, "fifteen" → 15. */
function minutesAt(reader: Reader, index: number, limit: number): { minutes: number; end: number } | undefined {
  const word = reader.word(index, limit);
  if (word === 'oh' || word === 'o') {
    const digit = digitOf(reader.word(index + 1, limit));
    return digit !== undefined && digit > 0 ? { minutes: digit, end: index + 2 } : undefined;
  }
  const parsed = parseNumber(reader.words, index, limit);
  return parsed && !parsed.ordinal && parsed.value >= 10 && parsed.value <= 59 ? { minutes: parsed.value, end: parsed.end } : undefined;
}

function timeAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const hour = parseNumber(reader.words, start, limit);
  if (!hour || hour.ordinal || hour.value < 1 || hour.value > 12) return undefined;
  if (reader.word(hour.end, limit) === "o'clock") return { text: `${hour.value}:00`, end: hour.end + 1 };
  const minutes = minutesAt(reader, hour.end, limit);
  const meridiem = meridiemAt(reader, minutes?.end ?? hour.end, limit);
  const clock = minutes ? `${hour.value}:${String(minutes.minutes).padStart(2, '0')}` : String(hour.value);
  if (meridiem) return { text: `${clock} ${meridiem.text}`, end: meridiem.end };
  // "three thirty" alone could be many things; after "at" it is a time.
  if (minutes && reader.words[start - 1] === 'at') return { text: clock, end: minutes.end };
  return undefined;
}

function moneyAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const amount = quantityAt(reader, start, limit);
  if (!amount || amount.ordinal) return undefined;
  const unit = reader.word(amount.end, limit);
  if (unit !== undefined && CENTS.has(unit) && amount.decimals === undefined && amount.value < 100) {
    return { text: `${amount.value}¢`, end: amount.end + 1 };
  }
  const symbol = unit === undefined ? undefined : CURRENCIES[unit];
  if (!symbol) return undefined;
  let end = amount.end + 1;
  let text = `${symbol}${quantityText(amount)}`;
  // "... dollars and fifty cents" (or "... dollars fifty cents").
  const andAt = reader.word(end, limit) === 'and' ? end + 1 : end;
  const cents = parseNumber(reader.words, andAt, limit);
  if (cents && !cents.ordinal && cents.value < 100 && CENTS.has(reader.word(cents.end, limit) ?? '') && amount.decimals === undefined && amount.trailingScale === undefined) {
    text = `${symbol}${withCommas(amount.value)}.${String(cents.value).padStart(2, '0')}`;
    end = cents.end + 1;
  }
  return { text, end };
}

function percentAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const amount = quantityAt(reader, start, limit);
  if (!amount || amount.ordinal) return undefined;
  const word = reader.word(amount.end, limit);
  if (word === 'percent') return { text: `${quantityText(amount)}%`, end: amount.end + 1 };
  if (word === 'per' && reader.word(amount.end + 1, limit) === 'cent') return { text: `${quantityText(amount)}%`, end: amount.end + 2 };
  return undefined;
}

function unitAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const amount = quantityAt(reader, start, limit);
  if (!amount || amount.ordinal) return undefined;
  for (const [words, symbol] of UNITS) {
    if (words.every((word, offset) => reader.word(amount.end + offset, limit) === word)) {
      return { text: `${quantityText(amount)} ${symbol}`.replace(/ (°[FC]?)$/, '$1'), end: amount.end + words.length };
    }
  }
  return undefined;
}

/** Phone numbers (7, 10 or 11 digits) and other spelled-out digit strings of three or more. */
function digitsAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  let digits = '';
  let index = start;
  for (let digit = digitOf(reader.word(index, limit)); digit !== undefined; digit = digitOf(reader.word(++index, limit))) {
    // "double five" is not handled; "oh" only counts inside a run of digits.
    digits += digit;
  }
  if (digits.length < 3 || (reader.words[start] === 'oh' && digits.length === 1)) return undefined;
  const text =
    digits.length === 7 ? `${digits.slice(0, 3)}-${digits.slice(3)}`
    : digits.length === 10 ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`
    : digits.length === 11 && digits[0] === '1' ? `1-${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`
    : digits;
  return { text, end: index };
}

/** "nineteen eighty four" → 1984, "twenty oh five" → 2005, "twenty twenty" → 2020; also "two thousand ten". */
function yearAt(reader: Reader, start: number, limit: number, allowCardinal: boolean): Replacement | undefined {
  const first = parseNumber(reader.words, start, limit);
  if (!first || first.ordinal) return undefined;
  // Centuries people name in speech; "ten fifteen" or "eleven thirty" are more likely times.
  if (first.value >= 17 && first.value <= 20 && first.trailingScale === undefined) {
    const rest = minutesAt(reader, first.end, limit) ?? (() => {
      const second = parseNumber(reader.words, first.end, limit);
      return second && !second.ordinal && second.value >= 10 && second.value <= 99 ? { minutes: second.value, end: second.end } : undefined;
    })();
    if (rest) return { text: String(first.value * 100 + rest.minutes), end: rest.end };
  }
  if (allowCardinal && first.value >= 1000 && first.value <= 2999) return { text: String(first.value), end: first.end };
  return undefined;
}

const DECADES: Readonly<Record<string, number>> = { twenties: 2, thirties: 3, forties: 4, fifties: 5, sixties: 6, seventies: 7, eighties: 8, nineties: 9 };

/** "nineteen sixties" → 1960s, "eighteen nineties" → 1890s. */
function decadeAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const century = parseNumber(reader.words, start, limit);
  if (!century || century.ordinal || century.value < 10 || century.value > 20 || century.trailingScale !== undefined) return undefined;
  const tens = DECADES[reader.word(century.end, limit) ?? ''];
  return tens === undefined ? undefined : { text: `${century.value}${tens}0s`, end: century.end + 1 };
}

function dateAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  // "the fifth of may": an ordinal day before the month.
  if (reader.words[start] === 'the') {
    const day = parseNumber(reader.words, start + 1, limit);
    if (day?.ordinal && day.value <= 31 && reader.word(day.end, limit) === 'of') {
      const month = MONTHS.indexOf(reader.word(day.end + 1, limit) ?? '');
      if (month >= 0) return withYear(reader, `${capitalise(MONTHS[month])} ${day.value}`, day.end + 2, limit);
    }
    return undefined;
  }
  const month = MONTHS.indexOf(reader.words[start]);
  if (month < 0) return undefined;
  const name = capitalise(MONTHS[month]);
  const day = parseNumber(reader.words, start + 1, limit);
  if (day?.ordinal && day.value >= 1 && day.value <= 31) return withYear(reader, `${name} ${day.value}`, day.end, limit);
  // "may nineteen forty five" is a date even for a month that is also a word; "may one day" is not.
  const year = yearAt(reader, start + 1, limit, true);
  if (year) return { text: `${name} ${year.text}`, end: year.end };
  if (AMBIGUOUS_MONTHS.has(reader.words[start])) return undefined;
  if (day && day.value >= 1 && day.value <= 31 && day.trailingScale === undefined) return withYear(reader, `${name} ${day.value}`, day.end, limit);
  return undefined;
}

function withYear(reader: Reader, text: string, index: number, limit: number): Replacement {
  const year = yearAt(reader, index, limit, true);
  return year ? { text: `${text}, ${year.text}`, end: year.end } : { text, end: index };
}

function capitalise(word: string): string {
  return word.charAt(0).toLocaleUpperCase('en') + word.slice(1);
}

/** Plain numbers: ordinals from 10th, cardinals from 10 and decimals; smaller ones stay words. */
function numberAt(reader: Reader, start: number, limit: number): Replacement | undefined {
  const amount = quantityAt(reader, start, limit);
  if (!amount) return undefined;
  if (amount.ordinal) return amount.value >= 10 ? { text: ordinalSuffix(amount.value), end: amount.end } : undefined;
  if (amount.decimals === undefined && !amount.scaleWord && amount.value < 10) return undefined;
  return { text: quantityText(amount), end: amount.end };
}

/** Tried in this order at each word; the first that reads something wins. */
const RULES: ReadonlyArray<(reader: Reader, start: number, limit: number) => Replacement | undefined> = [
  dateAt,
  timeAt,
  moneyAt,
  percentAt,
  unitAt,
  digitsAt,
  decadeAt,
  (reader, start, limit) => yearAt(reader, start, limit, false),
  numberAt,
];

/** Could a rule start at this word? (Saves trying every rule on every word.) */
function mayStart(word: string): boolean {
  return isNumberWord(word) || word === 'a' || word === 'the' || word === 'point' || word === 'oh' || MONTHS.includes(word) || /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|.*(th|ieth))$/.test(word);
}

export function inverseNormalize(text: string): string {
  const tokens = tokenize(text);
  const reader = new Reader(tokens);
  const out: string[] = [];
  for (let index = 0; index < tokens.length; ) {
    const limit = reader.limit(index);
    let replacement: Replacement | undefined;
    if (mayStart(reader.words[index])) {
      for (const rule of RULES) {
        replacement = rule(reader, index, limit);
        if (replacement && replacement.end > index) break;
        replacement = undefined;
      }
    }
    if (!replacement) {
      out.push(tokens[index].raw);
      index++;
      continue;
    }
    const first = tokens[index];
    const last = tokens[replacement.end - 1];
    // A replaced first word keeps its capital ("The fifth of may" → "May 5", numbers have none).
    out.push(`${first.lead}${replacement.text}${last.tail}`);
    index = replacement.end;
  }
  return out.join(' ');
}
