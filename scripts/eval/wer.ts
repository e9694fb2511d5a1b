import { editDistance } from '../../gpu-pool/engine/testing/edit-distance.ts';

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
