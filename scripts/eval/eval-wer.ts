// npm run eval:wer -- prints the WER of models/earshot-en per evaluation set, decoded two ways:
// greedy CTC by sherpa-onnx-node (the independent reference: the acoustic model alone) and
// Earshot's beam search with the folder's language model and lexicon (decoding.json; what the
// server uses by default).
//   tsx scripts/eval/eval-wer.ts [--model model.int8.onnx] [--verbose]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { readAudio, type Audio } from './audio.js';
import { createEvalEngine, transcribeAll } from './earshot.js';
import { createRecognizer, MODEL_DIR, transcribe } from './sherpa.js';
import { devCorpus, heldoutCorpus, heldoutFixtures, realRecordings, type Utterance } from './sets.js';
import { corpusCer, corpusWer, normalizeText } from './wer.js';

const args = process.argv.slice(2);
const modelFile = args.includes('--model') ? args[args.indexOf('--model') + 1] : 'model.onnx';
const verbose = args.includes('--verbose');

const engine: AsrEngine | null = existsSync(join(MODEL_DIR, 'decoding.json')) ? await createEvalEngine(MODEL_DIR, modelFile.includes('int8')) : null;

function report(name: string, utts: Utterance[], hyps: string[], seconds: number) {
  const pairs = utts.map((u, i) => ({ ref: u.ref, hyp: hyps[i] }));
  const r = corpusWer(pairs);
  const c = corpusCer(pairs);
  console.log(
    `${name.padEnd(70)} WER ${(r.wer * 100).toFixed(2).padStart(6)} %  CER ${(c.wer * 100).toFixed(2).padStart(6)} %  (${r.errors}/${r.words} words, ${utts.length} utts, ${(seconds / 60).toFixed(1)} min)`,
  );
  if (verbose) pairs.forEach((p, i) => console.log(`  ${utts[i].id}\n    REF: ${normalizeText(p.ref)}\n    HYP: ${normalizeText(p.hyp)}`));
}

async function run(name: string, utts: Utterance[] | null) {
  if (!utts) {
    console.log(`${name.padEnd(70)} (not available here)`);
    return;
  }
  const audios: Audio[] = [];
  for (const u of utts) audios.push(await readAudio(u.path));
  const seconds = audios.reduce((a, x) => a + x.samples.length / x.sampleRate, 0);
  const rec = createRecognizer({ modelFile });
  report(`${name}, greedy (sherpa-onnx-node)`, utts, audios.map((a) => transcribe(rec, a)), seconds);
  if (engine) report(`${name}, beam + LM + lexicon (Earshot)`, utts, await transcribeAll(engine, audios, 'modified_beam_search'), seconds);
}

console.log(`model: models/earshot-en/${modelFile}`);
await run('held-out synthetic, committed fixtures', heldoutFixtures());
await run('held-out synthetic, full test set (work-data/)', heldoutCorpus());
await run('held-out synthetic, dev set (work-data/; tunes decoding.json)', devCorpus());
await run('real recordings (../shared/testdata)', realRecordings());
await engine?.close();
