import type { ChunkResult, DecodedToken } from '../models/model.ts';
import { Lexicon } from './lexicon.ts';
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
 * Only the prefix that every surviving path shares is emitted while decoding: no later frame
 * can change it, so words built from it are never retracted. A pause longer than
 * `commitAfterFrames` commits the best path (the words before a pause stop competing), so a
 * turn's last word reaches the client before the endpointer ends the turn.
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
  /** Output frames without a new token on the best path after which it is committed. */
  commitAfterFrames: number;
  /** With a lexicon: subtracted for each word that is not in it. */
  oovPenalty: number;
  /** Added for each word of the stream's keyterms (which also pays no out-of-lexicon penalty). */
  keytermBonus: number;
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
}

export function createPrefixBeamContext(
  symbols: string[],
  blankId: number,
  lm: NgramLm | null,
  lexicon: Lexicon | null,
  settings: PrefixBeamSettings,
): PrefixBeamContext {
  return {
    blankId,
    startsWord: Uint8Array.from(symbols, (s) => (s.startsWith('\u2581') ? 1 : 0)),
    pieces: symbols.map((s) => s.replace(/^\u2581/, '')),
    lm,
    lexicon,
    settings,
  };
}

export function createPrefixBeamState(ctx: PrefixBeamContext, keyterms: readonly string[] = []): PrefixBeamState {
  return { paths: [{ node: rootNode(ctx, 0, -1), blank: 0, nonBlank: -Infinity }], emittedDepth: 0, frameOffset: 0, keytermWords: keytermWords(keyterms) };
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
  const blankProbs = new Float32Array(t);
  for (let f = 0; f < t; f++) {
    const o = f * v;
    const frame = s.frameOffset + f;
    blankProbs[f] = Math.exp(logProbs[o + blankId]);
    candidates(logProbs, o, v, blankId, settings, scratchTokens);
    const lpBlank = logProbs[o + blankId];
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
  if (best.node.depth > s.emittedDepth && s.frameOffset - 1 - best.node.frame >= settings.commitAfterFrames) {
    s.paths = [best];
  } else if (best.node.depth - s.emittedDepth > MAX_UNSETTLED_TOKENS) {
    // Paths that differ only far back (and extend alike since) would hold every token back
    // until the next pause: keep the best path's older half settled.
    const anchor = ancestorAt(best.node, best.node.depth - MAX_UNSETTLED_TOKENS / 2)!;
    s.paths = s.paths.filter((p) => ancestorAt(p.node, anchor.depth) === anchor);
  }
  const tokens = emit(s, commonAncestor(s.paths.map((p) => p.node)));
  return { tokens, frames: t, blankProbs, tentative: pathTokens(s.paths[0].node, s.emittedDepth) };
}

/** The tokens of a path below `depth`, oldest first. */
function pathTokens(node: PathNode, depth: number): DecodedToken[] {
  const out: DecodedToken[] = [];
  for (let n: PathNode | null = node; n && n.depth > depth; n = n.parent) out.push({ id: n.token, frame: n.frame, prob: n.prob });
  return out.reverse();
}

/** End of the stream's audio: close each path's last word and sentence, emit the best path. */
export function finalizePrefixBeam(ctx: PrefixBeamContext, s: PrefixBeamState): DecodedToken[] {
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
