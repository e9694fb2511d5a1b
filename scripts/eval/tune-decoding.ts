// npm run eval:tune -- grid-searches the beam search's LM weight, word bonus and out-of-lexicon penalty for
// the served file of models/earshot-en (model.int8.onnx) on a dev set, prints dev WER per setting and
// the best one. Write the winner into models/earshot-en/decoding.json. Dev sets: realdev (default:
// ../shared/realspeech/dev.tsv, real speakers held out from training) or synthdev (held-out synthetic
// sentences and voices, work-data/). Never tune on ../shared/testdata.
// --lm / --lexicon try a candidate LM and lexicon (any path) before it replaces the committed one.
//   tsx scripts/eval/tune-decoding.ts [--model-dir DIR] [--set realdev|synthdev] [--weights 0.3,0.5,0.7] [--bonuses 0,1,2] [--beam 8] [--token-prune 6] [--oov-penalties 6,10] [--no-lexicon] [--lm FILE] [--lexicon FILE]
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readAudio } from './audio.js';
import { createEvalEngine, transcribeAll } from './earshot.js';
import { MODEL_DIR } from './sherpa.js';
import { devCorpus, realspeechDev } from './sets.js';
import { corpusWer } from './wer.js';

process.env.LOG_LEVEL ??= 'warn';
const args = process.argv.slice(2);
const list = (flag: string, fallback: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback).split(',').map(Number);
const weights = list('--weights', '0.2,0.4,0.6,0.8,1.0');
const bonuses = list('--bonuses', '0,1,2,3');
const beam = list('--beam', '8')[0];
const tokenPrune = list('--token-prune', '6')[0];
const oovPenalties = list('--oov-penalties', '6');
const useLexicon = !args.includes('--no-lexicon');
const pathArg = (flag: string) => (args.includes(flag) ? resolve(args[args.indexOf(flag) + 1]) : undefined);

const set = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'realdev';
const utts = set === 'synthdev' ? devCorpus() : realspeechDev();
if (!utts) throw new Error(set === 'synthdev' ? 'no dev set: run scripts/model/synth.py --split dev --num 150 first' : 'no ../shared/realspeech/dev.tsv');
const audios = await Promise.all(utts.map((u) => readAudio(u.path)));
const current = JSON.parse(readFileSync(join(MODEL_DIR, 'decoding.json'), 'utf8')) as { lm?: string; lexicon?: string };
const lmPath = pathArg('--lm') ?? join(MODEL_DIR, current.lm ?? 'lm.arpa.gz');
const lexiconPath = pathArg('--lexicon') ?? join(MODEL_DIR, current.lexicon ?? 'lexicon.txt');
const modelDir = pathArg('--model-dir') ?? MODEL_DIR; // a candidate folder, before it replaces the committed model
const dir = mkdtempSync(join(tmpdir(), 'earshot-tune-'));
for (const f of ['model.onnx', 'model.int8.onnx', 'tokens.txt']) symlinkSync(join(modelDir, f), join(dir, f));
symlinkSync(lmPath, join(dir, basename(lmPath)));
symlinkSync(lexiconPath, join(dir, basename(lexiconPath)));

async function devWer(settings: Record<string, unknown>, decoding: 'greedy_search' | 'modified_beam_search'): Promise<number> {
  writeFileSync(join(dir, 'decoding.json'), JSON.stringify(settings));
  const engine = await createEvalEngine(dir, true);
  try {
    const hyps = await transcribeAll(engine, audios, decoding);
    return corpusWer(utts!.map((u, i) => ({ ref: u.ref, hyp: hyps[i] }))).wer * 100;
  } finally {
    await engine.close();
  }
}

console.log(`dev set ${set}: ${utts.length} utterances; model.int8.onnx; beam ${beam}; token prune ${tokenPrune}; LM ${lmPath}; lexicon ${useLexicon ? lexiconPath : 'off'}`);
console.log(`greedy: WER ${(await devWer({}, 'greedy_search')).toFixed(2)} %`);
console.log(`beam, no LM: WER ${(await devWer({ beam }, 'modified_beam_search')).toFixed(2)} %`);
let best = { wer: Infinity, weight: 0, bonus: 0, oov: 0 };
const lexicon = useLexicon ? { lexicon: basename(lexiconPath) } : {};
for (const oov of useLexicon ? oovPenalties : [0]) {
  for (const weight of weights) {
    const row: string[] = [];
    for (const bonus of bonuses) {
      const wer = await devWer({ lm: basename(lmPath), ...lexicon, lm_weight: weight, word_bonus: bonus, beam, token_prune: tokenPrune, oov_penalty: oov }, 'modified_beam_search');
      row.push(`bonus ${bonus}: ${wer.toFixed(2)} %`);
      if (wer < best.wer) best = { wer, weight, bonus, oov };
    }
    console.log(`${useLexicon ? `oov_penalty ${oov}, ` : ''}lm_weight ${weight}: ${row.join(', ')}`);
  }
}
console.log(`best: lm_weight ${best.weight}, word_bonus ${best.bonus}${useLexicon ? `, oov_penalty ${best.oov}` : ''} → dev WER ${best.wer.toFixed(2)} %`);
rmSync(dir, { recursive: true, force: true });
