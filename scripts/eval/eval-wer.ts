// npm run eval:wer -- prints the WER of models/earshot-en per evaluation set, decoded by sherpa-onnx-node.
//   tsx scripts/eval/eval-wer.ts [--model model.int8.onnx] [--verbose]
import { readAudio } from './audio.js';
import { createRecognizer, transcribe } from './sherpa.js';
import { heldoutCorpus, heldoutFixtures, realRecordings, type Utterance } from './sets.js';
import { corpusCer, corpusWer, normalizeText } from './wer.js';

const args = process.argv.slice(2);
const modelFile = args.includes('--model') ? args[args.indexOf('--model') + 1] : 'model.onnx';
const verbose = args.includes('--verbose');

async function run(name: string, utts: Utterance[] | null) {
  if (!utts) {
    console.log(`${name.padEnd(44)} (not available here)`);
    return;
  }
  const rec = createRecognizer({ modelFile });
  const pairs: Array<{ ref: string; hyp: string }> = [];
  let seconds = 0;
  for (const u of utts) {
    const audio = await readAudio(u.path);
    seconds += audio.samples.length / audio.sampleRate;
    const hyp = transcribe(rec, audio);
    pairs.push({ ref: u.ref, hyp });
    if (verbose) console.log(`  ${u.id}\n    REF: ${normalizeText(u.ref)}\n    HYP: ${normalizeText(hyp)}`);
  }
  const r = corpusWer(pairs);
  const c = corpusCer(pairs);
  console.log(
    `${name.padEnd(46)} WER ${(r.wer * 100).toFixed(2).padStart(6)} %  CER ${(c.wer * 100).toFixed(2).padStart(6)} %  (${r.errors}/${r.words} words, ${utts.length} utts, ${(seconds / 60).toFixed(1)} min)`,
  );
}

console.log(`model: models/earshot-en/${modelFile} (sherpa-onnx-node, greedy CTC)`);
await run('held-out synthetic, committed fixtures', heldoutFixtures());
await run('held-out synthetic, full test set (work-data/)', heldoutCorpus());
await run('real recordings (../shared/testdata)', realRecordings());
