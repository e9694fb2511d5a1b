import type { ChunkResult, DecodedToken } from './chunk-result.ts';
import { Lexicon } from './lexicon.ts';
import { lastWordSealed, sealAfterFrames, type VadSilence } from './finalization.ts';
import type { NgramLm } from './ngram-lm.ts';

/**
 * Streaming CTC prefix beam search with word-level n-gram shallow fusion.
 *
 * Each path is a token prefix with two acoustic scores (ending in blank / in its last token),
 * so the many CTC alignments of one prefix are summed, not competing. When a token opens a new
 * word (its piece starts with '▁'), the word it closes is scored by the language model:
 * score = log P_ctc(prefix) + lmWeight * log P_lm(words) + wordBonus * words.
 *
 * With a lexicon, each path walks its trie; words outside it pay a penalty: a weak acoustic
 * model then picks the nearest real word instead of a misspelling.
 *
 * The prefix that every surviving path shares is emitted while decoding: no later frame can
 * change it, so words built from it are never retracted. With the finalisation policy
 * (`finalizeAfterFrames`, finalization.ts) a word of the best path is also committed once its
 * last token is that many frames old, and the paths that disagree with it are dropped: the delay
 * to a final word is bounded. Without it, a pause longer than `commitAfterFrames` commits the
 * best path (the words before a pause stop competing).
 */
export interface PrefixBeamSettings {
  /** Paths kept after each frame. */
  beam: number;
  /** Non-blank tokens tried per frame: at most this many, ... */
  maxTokensPerFrame: number;
  /** ... with a log-prob above -tokenPrune and within tokenPrune of the frame's best. */
  tokenPrune: number;
  /** Weight of the language model's natural-log probability. */
  lmWeight: number;
  /** Added per completed word (balances the LM's preference for fewer words). */
  wordBonus: number;
  /** Policy off: output frames without a new token on the best path after which it is committed. */
  commitAfterFrames: number;
  /**
   * The finalisation policy: a word of the best path is committed (and disagreeing paths dropped)
   * once its last token is this many output frames old; null = off.
   */
  finalizeAfterFrames?: number | null;
  /** With a lexicon: subtracted for each word that is not in it. */
  oovPenalty: number;
  /** Added for each word of the stream's keyterms (which also pays no out-of-lexicon penalty). */
  keytermBonus: number;
  /**
   * Subtracted from the blank's log-prob in the search (not in the blank posteriors the end-of-turn
   * heuristic reads): a model that drops words on unfamiliar voices emits more of them. Default 0.
   */
  blankPenalty?: number;
}

/** What the search needs to know about the model's tokens, computed once per model. */
export interface PrefixBeamContext {
  blankId: number;
  /** Per token: 1 when it starts a word ('▁' prefix). */
  startsWord: Uint8Array;
  /** Per token: its spelling without the '▁'. */
  pieces: string[];
  lm: NgramLm | null;
  lexicon: Lexicon | null;
  settings: PrefixBeamSettings;
  /** Output frame duration (ms; the finalisation policy's pause rule is in ms). */
  frameMs: number;
}

/** One node of the prefix tree; the language-model state belongs to the prefix. */
interface PathNode {
  parent: PathNode | null;
  token: number;
  frame: number;
  prob: number;
  depth: number;
  lmScore: number;
  history: number[];
  word: string;
  /** Lexicon trie node of the word in progress. */
  lex: number;
  /** The finalisation policy closed this node's word: no piece may continue it. */
  sealed?: boolean;
}

interface Path {
  node: PathNode;
  blank: number; // log P(prefix, alignment ends in blank)
  nonBlank: number; // log P(prefix, alignment ends in its last token)
}

export interface PrefixBeamState {
  paths: Path[];
  emittedDepth: number;
  frameOffset: number;
  /** This stream's keyterm words, spelled as the model spells words (replaceable mid-stream). */
  keytermWords: ReadonlySet<string>;
  /** The stream's VAD, where the worker runs one: it may seal the last word early (finalization.ts). */
  vad?: VadSilence | null;
}

export function createPrefixBeamContext(
  symbols: string[],
  blankId: number,
  lm: NgramLm | null,
  lexicon: Lexicon | null,
  settings: PrefixBeamSettings,
  frameMs = 30,
): PrefixBeamContext {
  return {
    frameMs,
    blankId,
    startsWord: Uint8Array.from(symbols, (s) => (s.startsWith('\u2581') ? 1 : 0)),
    pieces: symbols.map((s) => s.replace(/^\u2581/, '')),
    lm,
    lexicon,
    settings,
  };
}

export function createPrefixBeamState(ctx: PrefixBeamContext, keyterms: readonly string[] = [], vad: VadSilence | null = null): PrefixBeamState {
  return { paths: [{ node: rootNode(ctx, 0, -1), blank: 0, nonBlank: -Infinity }], emittedDepth: 0, frameOffset: 0, keytermWords: keytermWords(keyterms), vad };
}

/**
 * Keyterm phrases → the words to favour, in the spelling of this project's models (upper-case
 * letters and apostrophes; "Earshot's API" → EARSHOT'S, API).
 */
export function keytermWords(keyterms: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const term of keyterms) {
    for (const w of term.toUpperCase().split(/\s+/)) {
      const spelled = w.replace(/[^A-Z']/g, '');
      if (spelled !== '') words.add(spelled);
    }
  }
  return words;
}

function rootNode(ctx: PrefixBeamContext, depth: number, token: number): PathNode {
  const history = ctx.lm && ctx.lm.bosId >= 0 ? [ctx.lm.bosId] : [];
  return { parent: null, token, frame: -1, prob: 0, depth, lmScore: 0, history, word: '', lex: Lexicon.ROOT };
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

function score(p: Path): number {
  return logAdd(p.blank, p.nonBlank) + p.node.lmScore;
}

/** The LM score of closing `node`'s word in progress (0 if none). */
function closeWord(ctx: PrefixBeamContext, node: PathNode, keyterms: ReadonlySet<string>): { delta: number; history: number[] } {
  if (node.word === '') return { delta: 0, history: node.history };
  const { lm, settings } = ctx;
  let oov: number;
  if (keyterms.has(node.word)) {
    // A keyterm: its bonus, and back what leaving the lexicon cost (see child).
    oov = settings.keytermBonus + (ctx.lexicon && node.lex < 0 ? settings.oovPenalty : 0);
  } else {
    // A word that left the lexicon paid already (see child); one that stops inside it pays now.
    oov = ctx.lexicon && node.lex >= 0 && ctx.lexicon.wordAt(node.lex) === null ? -settings.oovPenalty : 0;
  }
  if (!lm) return { delta: settings.wordBonus + oov, history: node.history };
  const id = lm.wordId(node.word);
  const history = node.history.length + 1 >= lm.order ? [...node.history.slice(node.history.length - lm.order + 2), id] : [...node.history, id];
  return { delta: settings.lmWeight * lm.score(node.history, id) + settings.wordBonus + oov, history };
}

/**
 * The prefix one token longer, or null where that token cannot follow. A path that leaves the
 * lexicon spells an out-of-vocabulary word and pays `oovPenalty` at once (so such paths do not
 * crowd the beam): the lexicon steers the search without ever leaving it with no way forward.
 */
function child(ctx: PrefixBeamContext, keyterms: ReadonlySet<string>, parent: PathNode, token: number, frame: number, prob: number): PathNode | null {
  const lexicon = ctx.lexicon;
  let lex = Lexicon.ROOT;
  if (lexicon) {
    if (!ctx.startsWord[token] && parent.word === '') return null; // a word starts with '▁'
    if (ctx.startsWord[token]) lex = lexicon.next(Lexicon.ROOT, token);
    else lex = parent.lex < 0 ? -1 : lexicon.next(parent.lex, token);
  }
  if (parent.sealed && !ctx.startsWord[token]) return null; // its word is final
  const node: PathNode = { parent, token, frame, prob, depth: parent.depth + 1, lmScore: parent.lmScore, history: parent.history, word: parent.word, lex };
  if (lexicon && lex < 0 && (ctx.startsWord[token] || parent.lex >= 0)) node.lmScore -= ctx.settings.oovPenalty;
  if (ctx.startsWord[token]) {
    const closed = closeWord(ctx, parent, keyterms);
    node.lmScore += closed.delta;
    node.history = closed.history;
    node.word = ctx.pieces[token];
  } else {
    node.word = parent.word + ctx.pieces[token];
  }
  return node;
}

/** Candidate tokens of one frame: the best non-blank ones, within the pruning margin. */
function candidates(row: Float32Array, o: number, v: number, blankId: number, s: PrefixBeamSettings, out: number[]): void {
  out.length = 0;
  let best = -Infinity;
  for (let k = 0; k < v; k++) if (k !== blankId && row[o + k] > best) best = row[o + k];
  const floor = Math.max(best - s.tokenPrune, -s.tokenPrune);
  for (let k = 0; k < v; k++) {
    if (k === blankId || row[o + k] < floor) continue;
    if (out.length < s.maxTokensPerFrame) {
      out.push(k);
      continue;
    }
    let worst = 0;
    for (let i = 1; i < out.length; i++) if (row[o + out[i]] < row[o + out[worst]]) worst = i;
    if (row[o + k] > row[o + out[worst]]) out[worst] = k;
  }
}

const scratchTokens: number[] = [];

export function ctcPrefixBeamStep(ctx: PrefixBeamContext, s: PrefixBeamState, logProbs: Float32Array, t: number, v: number): ChunkResult {
  const { blankId, settings } = ctx;
  const blankPenalty = settings.blankPenalty ?? 0;
  const blankProbs = new Float32Array(t);
  for (let f = 0; f < t; f++) {
    const o = f * v;
    const frame = s.frameOffset + f;
    blankProbs[f] = Math.exp(logProbs[o + blankId]);
    candidates(logProbs, o, v, blankId, settings, scratchTokens);
    const lpBlank = logProbs[o + blankId] - blankPenalty;
    if (scratchTokens.length === 0) {
      // Only blank is plausible (most frames of a peaky CTC model): every path gains the same
      // log-prob, so the beam's order and the prefix tree stay as they are.
      for (const p of s.paths) {
        p.blank = logAdd(p.blank, p.nonBlank) + lpBlank;
        p.nonBlank = -Infinity;
      }
      continue;
    }
    // Children that already exist (a path's prefix one token longer than another's) must be
    // reached again, not duplicated: that is how alignments of one prefix merge.
    const children = new Map<PathNode, Map<number, PathNode | null>>();
    for (const p of s.paths) {
      if (!p.node.parent) continue;
      let m = children.get(p.node.parent);
      if (!m) children.set(p.node.parent, (m = new Map()));
      m.set(p.node.token, p.node);
    }
    const next = new Map<PathNode, Path>();
    const at = (node: PathNode): Path => {
      let p = next.get(node);
      if (!p) next.set(node, (p = { node, blank: -Infinity, nonBlank: -Infinity }));
      return p;
    };
    const extend = (from: PathNode, token: number, logP: number): void => {
      let m = children.get(from);
      if (!m) children.set(from, (m = new Map()));
      let node = m.get(token);
      if (node === undefined) m.set(token, (node = child(ctx, s.keytermWords, from, token, frame, Math.exp(logProbs[o + token]))));
      if (node === null) return; // not a word of the lexicon
      const p = at(node);
      p.nonBlank = logAdd(p.nonBlank, logP);
    };
    for (const p of s.paths) {
      const total = logAdd(p.blank, p.nonBlank);
      const stay = at(p.node);
      stay.blank = logAdd(stay.blank, total + lpBlank);
      for (const k of scratchTokens) {
        const lp = logProbs[o + k];
        if (k === p.node.token) {
          // A repeat without a blank in between is the same token; after a blank it is a new one.
          stay.nonBlank = logAdd(stay.nonBlank, p.nonBlank + lp);
          if (p.blank > -Infinity) extend(p.node, k, p.blank + lp);
        } else {
          extend(p.node, k, total + lp);
        }
      }
    }
    const all = [...next.values()];
    all.sort((a, b) => score(b) - score(a));
    s.paths = all.slice(0, settings.beam);
  }
  s.frameOffset += t;
  const best = s.paths[0];
  const bound = settings.finalizeAfterFrames ?? null;
  if (bound !== null) {
    commitOldWords(ctx, s, bound);
  } else if (best.node.depth > s.emittedDepth && s.frameOffset - 1 - best.node.frame >= settings.commitAfterFrames) {
    s.paths = [best];
  }
  if (best.node.depth - s.emittedDepth > MAX_UNSETTLED_TOKENS) {
    // Paths that differ only far back (and extend alike since) would hold every token back
    // until the next pause: keep the best path's older half settled.
    const anchor = ancestorAt(best.node, best.node.depth - MAX_UNSETTLED_TOKENS / 2)!;
    s.paths = s.paths.filter((p) => ancestorAt(p.node, anchor.depth) === anchor);
  }
  const upTo = commonAncestor(s.paths.map((p) => p.node));
  const wordClosed = closesWord(ctx, s.paths, upTo);
  const tokens = emit(s, upTo);
  // The tail shown is the path a turn ending now would commit (see finalBest).
  return { tokens, frames: t, blankProbs, tentative: pathTokens(finalBest(ctx, s).node, s.emittedDepth), wordClosed };
}

/**
 * The finalisation policy: find the newest word of the best path whose last token is at least
 * `bound` frames old and that is followed by another word's start or by nothing; keep only the
 * paths that agree with the best path up to it and do not continue it; seal it where nothing
 * follows it yet (its language-model score is taken now, and no piece may join it).
 */
function commitOldWords(ctx: PrefixBeamContext, s: PrefixBeamState, bound: number): void {
  const sealBound = sealAfterFrames(bound, ctx.frameMs);
  const limit = s.frameOffset - bound;
  let after: PathNode | null = null;
  let n: PathNode | null = s.paths[0].node;
  for (; n && n.depth >= s.emittedDepth; after = n, n = n.parent) {
    if (n.token < 0) continue;
    if (after === null) {
      // Nothing after it yet: only a complete word of the lexicon, and only once the pause
      // proves it ended (pieces of one word can be a few frames apart). The VAD's proof needs
      // no `bound` of decoded frames: it already waits for the tokens of the speech before it.
      if ((n.sealed || !ctx.lexicon || (n.lex >= 0 && ctx.lexicon.wordAt(n.lex) !== null)) && lastWordSealed(n.frame, s.frameOffset, sealBound, s.vad)) break;
      continue;
    }
    if (n.frame + 1 > limit) continue;
    if (ctx.startsWord[after.token]) break;
  }
  if (!n || n.token < 0 || n.depth < s.emittedDepth) return;
  const at = n;
  s.paths = s.paths.filter((p) => {
    if (p.node === at) return true;
    const next = ancestorAt(p.node, at.depth + 1);
    return next !== null && next.parent === at && ctx.startsWord[next.token] === 1;
  });
  if (!at.sealed && s.paths.some((p) => p.node === at)) {
    const closed = closeWord(ctx, at, s.keytermWords);
    at.lmScore += closed.delta;
    at.history = closed.history;
    at.word = '';
    at.lex = Lexicon.ROOT;
    at.sealed = true;
  }
}

/** Every path has ended the word of `upTo` (or sealed it): later tokens cannot join that word. */
function closesWord(ctx: PrefixBeamContext, paths: Path[], upTo: PathNode): boolean {
  if (upTo.token < 0) return false;
  return paths.every((p) => {
    if (p.node === upTo) return upTo.sealed === true;
    const next = ancestorAt(p.node, upTo.depth + 1);
    return next !== null && ctx.startsWord[next.token] === 1;
  });
}

/** The path to commit if the sentence ended here: its last word and the sentence closed by the LM. */
function finalBest(ctx: PrefixBeamContext, s: PrefixBeamState): Path {
  let best = s.paths[0];
  let bestScore = -Infinity;
  for (const p of s.paths) {
    const closed = closeWord(ctx, p.node, s.keytermWords);
    const eos = ctx.lm && ctx.lm.eosId >= 0 ? ctx.settings.lmWeight * ctx.lm.score(closed.history, ctx.lm.eosId) : 0;
    const total = score(p) + closed.delta + eos;
    if (total > bestScore) {
      bestScore = total;
      best = p;
    }
  }
  return best;
}

/** The tokens of a path below `depth`, oldest first. */
function pathTokens(node: PathNode, depth: number): DecodedToken[] {
  const out: DecodedToken[] = [];
  for (let n: PathNode | null = node; n && n.depth > depth; n = n.parent) out.push({ id: n.token, frame: n.frame, prob: n.prob });
  return out.reverse();
}

/** End of the stream's audio: close each path's last word and sentence, emit the best path. */
export function finalizePrefixBeam(ctx: PrefixBeamContext, s: PrefixBeamState): DecodedToken[] {
  const best = finalBest(ctx, s);
  const tokens = emit(s, best.node);
  // A new sentence starts: the next token is new even if it repeats the last one.
  s.paths = [{ node: rootNode(ctx, best.node.depth, -1), blank: 0, nonBlank: -Infinity }];
  return tokens;
}

/** Hand out the tokens from the last emitted depth down to `upTo`, then forget the tree above it. */
function emit(s: PrefixBeamState, upTo: PathNode): DecodedToken[] {
  const out = pathTokens(upTo, s.emittedDepth);
  s.emittedDepth = Math.max(s.emittedDepth, upTo.depth);
  upTo.parent = null; // everything above is emitted: no path can still need it
  return out;
}

/** Tokens a path may hold back in continuous speech (about 25 words) before its start is settled. */
const MAX_UNSETTLED_TOKENS = 96;

function ancestorAt(node: PathNode, depth: number): PathNode | null {
  let n: PathNode | null = node;
  while (n && n.depth > depth) n = n.parent;
  return n;
}

function commonAncestor(nodes: PathNode[]): PathNode {
  let a = nodes[0];
  for (let i = 1; i < nodes.length; i++) {
    let b = nodes[i];
    while (a.depth > b.depth) a = a.parent!;
    while (b.depth > a.depth) b = b.parent!;
    while (a !== b) {
      a = a.parent!;
      b = b.parent!;
    }
  }
  return a;
}
