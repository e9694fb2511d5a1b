// npm run eval:tune -- grid-searches the beam search's LM weight, word bonus, out-of-lexicon penalty
// and beam width for the served file of models/earshot-en (model.int8.onnx) on a dev set, prints dev
// WER per setting and the best one. Write the winner into models/earshot-en/decoding.json, then
// check it with `npm run eval:wer -- --sets realdev --served-only` (the full engine: turns, VAD seal).
// Dev sets: realdev (default: ../shared/realspeech/dev.tsv, real speakers held out from training) or
// synthdev (held-out synthetic sentences and voices, work-data/). Never tune on ../shared/testdata.
//
// The network runs once per utterance (posteriors.ts); each setting then runs only the search over
// the cached log-probs, with the engine's finalisation bound and without turns: the whole file is
// one turn (the served engine also ends turns at pauses, which moves WER by a few tenths).
// --lm / --lexicon: candidate LMs and lexicons (comma-separated paths), each tried in turn.
//   tsx scripts/eval/tune-decoding.ts [--model-dir DIR] [--set realdev|synthdev] [--weights 0.3,0.5,0.7]
//     [--bonuses 0,1,2] [--beams 8,16] [--blank-penalties 0,0.5] [--token-prune 6] [--oov-penalties 6,10] [--no-lexicon] [--lm A,B] [--lexicon A,B]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ctcGreedyStep, type CtcGreedyState } from '../../gpu-pool/engine/decoders/ctc-greedy.ts';
import { createPrefixBeamState, ctcPrefixBeamStep, finalizePrefixBeam, type PrefixBeamContext } from '../../gpu-pool/engine/decoders/ctc-prefix-beam.ts';
import { DEFAULT_FINALIZE_AFTER_MS } from '../../gpu-pool/engine/decoders/finalization.ts';
import { Lexicon } from '../../gpu-pool/engine/decoders/lexicon.ts';
import { NgramLm } from '../../gpu-pool/engine/decoders/ngram-lm.ts';
import { WordAssembler } from '../../gpu-pool/engine/decoders/word-assembler.ts';
import { loadBeamContext } from '../../gpu-pool/engine/models/beam-settings.ts';
import { readAudio } from '../../gpu-pool/engine/audio/audio-file.ts';
import { devPosteriors, type PosteriorChunk } from './posteriors.js';
import { MODEL_DIR } from './sherpa.js';
import { devCorpus, realspeechDev } from './sets.js';
import { corpusWer } from './wer.js';

process.env.LOG_LEVEL ??= 'warn';
const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const numbers = (name: string, fallback: string) => (flag(name) ?? fallback).split(',').map(Number);
const paths = (name: string) => flag(name)?.split(',').map((p) => resolve(p));
const weights = numbers('--weights', '0.2,0.4,0.6,0.8');
const bonuses = numbers('--bonuses', '0,1,2,3');
const beams = numbers('--beams', flag('--beam') ?? '16');
const tokenPrune = numbers('--token-prune', '6')[0];
const oovPenalties = numbers('--oov-penalties', '15');
const useLexicon = !args.includes('--no-lexicon');
/** decoding.json's blank_penalty: subtracted from the blank's log-prob in the search. */
const blankPenalties = numbers('--blank-penalties', '0');

const set = flag('--set') ?? 'realdev';
const utts = set === 'synthdev' ? devCorpus() : realspeechDev();
if (!utts) throw new Error(set === 'synthdev' ? 'no dev set: run scripts/model/synth.py --split dev --num 150 first' : 'no ../shared/realspeech/dev.tsv');
const modelDir = resolve(flag('--model-dir') ?? MODEL_DIR); // a candidate folder, before it replaces the committed model
const current = JSON.parse(readFileSync(join(modelDir, 'decoding.json'), 'utf8')) as { lm?: string; lexicon?: string };
const lmPaths = paths('--lm') ?? [join(modelDir, current.lm ?? 'lm.arpa.gz')];
const lexiconPaths = useLexicon ? (paths('--lexicon') ?? [join(modelDir, current.lexicon ?? 'lexicon.txt')]) : [null];

const started = performance.now();
const audios = await Promise.all(utts.map((u) => readAudio(u.path)));
const posteriors = await devPosteriors(modelDir, audios);
const { model, vocab } = posteriors;
console.log(`dev set ${set}: ${utts.length} utterances; network run once in ${((performance.now() - started) / 1000).toFixed(0)} s (model.int8.onnx)`);
const base = loadBeamContext(modelDir, model.tokens, model.description.frameMs, DEFAULT_FINALIZE_AFTER_MS);
const symbols = model.tokens.symbols;

function transcribe(ctx: PrefixBeamContext | null, chunks: PosteriorChunk[]): string {
  const words = new WordAssembler(symbols, model.description.frameMs);
  if (ctx === null) {
    const state: CtcGreedyState = { prev: -1, frameOffset: 0 };
    for (const c of chunks) for (const t of ctcGreedyStep(state, c.logProbs, c.frames, vocab, model.tokens.blankId).tokens) words.addToken(t.id, t.frame, t.prob);
  } else {
    const state = createPrefixBeamState(ctx);
    for (const c of chunks) for (const t of ctcPrefixBeamStep(ctx, state, c.logProbs, c.frames, vocab).tokens) words.addToken(t.id, t.frame, t.prob);
    for (const t of finalizePrefixBeam(ctx, state)) words.addToken(t.id, t.frame, t.prob);
  }
  return words.snapshot().map((w) => w.text).join(' ');
}

function devWer(ctx: PrefixBeamContext | null): number {
  return corpusWer(utts!.map((u, i) => ({ ref: u.ref, hyp: transcribe(ctx, posteriors.utterances[i]) }))).wer * 100;
}

console.log(`greedy: WER ${devWer(null).toFixed(2)} %`);
console.log(`beam ${beams[0]}, no LM, no lexicon: WER ${devWer({ ...base, lm: null, lexicon: null, settings: { ...base.settings, beam: beams[0], tokenPrune, lmWeight: 0, wordBonus: 0 } }).toFixed(2)} %`);
let best = { wer: Infinity, label: '' };
for (const lmPath of lmPaths) {
  const lm = NgramLm.load(lmPath);
  for (const lexiconPath of lexiconPaths) {
    const lexicon = lexiconPath ? Lexicon.load(lexiconPath, symbols) : null;
    console.log(`LM ${lmPath}; lexicon ${lexiconPath ?? 'off'}`);
    const rows = blankPenalties.flatMap((blankPenalty) => beams.flatMap((beam) => (lexicon ? oovPenalties : [0]).flatMap((oov) => weights.map((weight) => ({ blankPenalty, beam, oov, weight })))));
    for (const { blankPenalty, beam, oov, weight } of rows) {
      const cells: string[] = [];
      for (const bonus of bonuses) {
        const ctx: PrefixBeamContext = { ...base, lm, lexicon, settings: { ...base.settings, beam, tokenPrune, lmWeight: weight, wordBonus: bonus, oovPenalty: oov, blankPenalty } };
        const wer = devWer(ctx);
        cells.push(`bonus ${bonus}: ${wer.toFixed(2)} %`);
        const label = `lm ${lmPath}, lexicon ${lexiconPath ?? 'off'}, blank_penalty ${blankPenalty}, beam ${beam}, oov_penalty ${oov}, lm_weight ${weight}, word_bonus ${bonus}`;
        if (wer < best.wer) best = { wer, label };
      }
      console.log(`  ${blankPenalty ? `blank_penalty ${blankPenalty}, ` : ''}beam ${beam}${lexicon ? `, oov_penalty ${oov}` : ''}, lm_weight ${weight}: ${cells.join(', ')}`);
    }
  }
}
console.log(`best: ${best.label} → dev WER ${best.wer.toFixed(2)} % (one turn per file; confirm with eval:wer)`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
await posteriors.recognizer.release();
