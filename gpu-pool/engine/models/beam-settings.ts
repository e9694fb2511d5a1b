import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createPrefixBeamContext, type PrefixBeamContext } from '../decoders/ctc-prefix-beam.ts';
import { finalizeAfterFrames } from '../decoders/finalization.ts';
import { Lexicon } from '../decoders/lexicon.ts';
import { NgramLm } from '../decoders/ngram-lm.ts';
import { ModelFormatError } from '../errors.ts';
import type { TokenTable } from './tokens.ts';

/**
 * A CTC model folder's optional `decoding.json`: the beam search's settings and its language
 * model, tuned for that model (weights differ from model to model). Without the file,
 * modified_beam_search is a plain prefix beam search.
 */
const DecodingFile = z
  .object({
    /** ARPA word n-gram file (plain or .gz), relative to the model folder. */
    lm: z.string().min(1).optional(),
    /** "WORD token token ..." per line: paths may only spell these words. */
    lexicon: z.string().min(1).optional(),
    lm_weight: z.number().min(0).default(0.5),
    word_bonus: z.number().default(0),
    beam: z.number().int().min(1).max(64).default(8),
    max_tokens_per_frame: z.number().int().min(1).max(64).default(8),
    token_prune: z.number().positive().default(10),
    commit_after_ms: z.number().min(0).default(240),
    /** With a lexicon: cost (natural log) of each word outside it. */
    oov_penalty: z.number().min(0).default(6),
    /** Cost (natural log) subtracted from the blank in the search: fewer dropped words. */
    blank_penalty: z.number().min(0).max(10).default(0),
    /** Bonus (natural log) for each word of a stream's keyterms. */
    keyterm_bonus: z.number().min(0).default(4),
    /** How long after its audio the model emits a token (ms): word times are moved back by it (any search). */
    token_delay_ms: z.number().min(0).max(2000).default(0),
  })
  .strict();

/** decoding.json's token_delay_ms (0 without the file or the field): every search's word times use it. */
export function readTokenDelayMs(dir: string): number {
  const path = join(dir, 'decoding.json');
  if (!existsSync(path)) return 0;
  try {
    const v = (JSON.parse(readFileSync(path, 'utf8')) as { token_delay_ms?: unknown }).token_delay_ms;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
  } catch {
    return 0; // a broken file fails the beam search that needs it (loadBeamContext)
  }
}

/** `finalizeAfterMs`: the engine's finalisation policy (finalization.ts; null = off, undefined = default). */
export function loadBeamContext(dir: string, tokens: TokenTable, frameMs: number, finalizeAfterMs?: number | null): PrefixBeamContext {
  const path = join(dir, 'decoding.json');
  let raw: unknown = {};
  if (existsSync(path)) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ModelFormatError(`${path}: ${(err as Error).message}`);
    }
  }
  const parsed = DecodingFile.safeParse(raw);
  if (!parsed.success) throw new ModelFormatError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const d = parsed.data;
  let lm: NgramLm | null = null;
  if (d.lm) {
    const lmPath = join(dir, d.lm);
    if (!existsSync(lmPath)) throw new ModelFormatError(`${path}: language model ${d.lm} is missing`);
    lm = NgramLm.load(lmPath);
  }
  let lexicon: Lexicon | null = null;
  if (d.lexicon) {
    const lexiconPath = join(dir, d.lexicon);
    if (!existsSync(lexiconPath)) throw new ModelFormatError(`${path}: lexicon ${d.lexicon} is missing`);
    lexicon = Lexicon.load(lexiconPath, tokens.symbols);
  }
  // T-one character vocabularies mark word boundaries with a separator token, BPE ones with '▁'.
  const symbols = tokens.symbols.map((s, id) => (tokens.separatorIds.has(id) ? '\u2581' : s));
  return createPrefixBeamContext(symbols, tokens.blankId, lm, lexicon, {
    beam: d.beam,
    maxTokensPerFrame: d.max_tokens_per_frame,
    tokenPrune: d.token_prune,
    lmWeight: lm ? d.lm_weight : 0,
    wordBonus: d.word_bonus,
    commitAfterFrames: Math.max(1, Math.round(d.commit_after_ms / frameMs)),
    finalizeAfterFrames: finalizeAfterFrames(finalizeAfterMs, frameMs),
    oovPenalty: d.oov_penalty,
    keytermBonus: d.keyterm_bonus,
    blankPenalty: d.blank_penalty,
  }, frameMs);
}
