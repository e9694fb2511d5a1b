// Word error rate with the normalisation used for every set: upper case, punctuation stripped.
export function normalizeText(s: string): string {
  return s
    .toUpperCase()
    .replace(/\u2019/g, "'")
    .replace(/[^A-Z0-9' ]+/g, ' ')
    .replace(/(^| )'+|'+( |$)/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

export function editDistance(ref: string[], hyp: string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length];
}

export interface WerResult {
  errors: number;
  words: number;
  wer: number;
}

export function corpusWer(pairs: Array<{ ref: string; hyp: string }>): WerResult {
  let errors = 0;
  let words = 0;
  for (const { ref, hyp } of pairs) {
    const r = normalizeText(ref).split(' ').filter(Boolean);
    const h = normalizeText(hyp).split(' ').filter(Boolean);
    errors += editDistance(r, h);
    words += r.length;
  }
  return { errors, words, wer: words ? errors / words : 0 };
}

/** Character error rate over the normalised texts (spaces count as characters). */
export function corpusCer(pairs: Array<{ ref: string; hyp: string }>): WerResult {
  let errors = 0;
  let words = 0;
  for (const { ref, hyp } of pairs) {
    const r = [...normalizeText(ref)];
    const h = [...normalizeText(hyp)];
    errors += editDistance(r, h);
    words += r.length;
  }
  return { errors, words, wer: words ? errors / words : 0 };
}
