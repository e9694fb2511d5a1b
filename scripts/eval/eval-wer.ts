// npm run eval:wer -- prints the WER of models/earshot-en per evaluation set. The headline row of each
// set is the SERVED configuration: what an ASR worker runs by default (model.int8.onnx, Earshot's beam
// search with the folder's LM and lexicon from decoding.json), through the engine API in 100 ms pieces.
// Secondary rows: the fp32 model with the same search, and greedy CTC by sherpa-onnx-node (the
// independent reference decoder: the acoustic model alone). Real sets also get pocketsphinx en-us,
// the classic recogniser Earshot must beat (skipped, with a notice, where it is not installed).
//   tsx scripts/eval/eval-wer.ts [--sets real,realdev,test,fixtures,dev,timed] [--served-only] [--no-vad] [--paced [N]] [--verbose] [--model-dir DIR]
// (timed: bench:latency's espeak-ng sentences, once it generated them; ASR_FINALIZE_AFTER_MS and ASR_VAD_SEAL_MS
// apply as on a worker; the served rows run the Silero VAD as a worker does, which the VAD seal needs; --no-vad: without it)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { readAudio, type MonoAudio } from '../../gpu-pool/engine/audio/audio-file.ts';
import { createEvalEngine, transcribeAll } from './earshot.js';
import { pocketsphinxMissing, transcribeWithPocketsphinx } from './pocketsphinx.js';
import { createRecognizer, MODEL_DIR, transcribe } from './sherpa.js';
import { devCorpus, heldoutCorpus, heldoutFixtures, realRecordings, realspeechDev, timedSpeech, type Utterance } from './sets.js';
import { corpusCer, corpusWer, normalizeText } from './wer.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const verbose = args.includes('--verbose');
const servedOnly = args.includes('--served-only');
const withVad = !args.includes('--no-vad');
// --paced [N]: the served rows push at real-time pace, N files at once (default 8), as live sessions do.
const paced = args.includes('--paced');
const pacedConcurrency = Number(option('--paced')) || 8;
const wanted = new Set((option('--sets') ?? 'real,realdev,test,fixtures,dev').split(','));

const modelDir = option('--model-dir') ?? MODEL_DIR; // a candidate folder, before it replaces the committed model
const hasSearch = existsSync(join(modelDir, 'decoding.json'));
const served: AsrEngine | null = hasSearch ? await createEvalEngine(modelDir, true, withVad) : null;
const fp32: AsrEngine | null = hasSearch && !servedOnly ? await createEvalEngine(modelDir, false) : null;
const pocketsphinxWhyNot = pocketsphinxMissing();

function report(name: string, utts: Utterance[], hyps: string[], seconds: number) {
  const pairs = utts.map((u, i) => ({ ref: u.ref, hyp: hyps[i] }));
  const r = corpusWer(pairs);
  const c = corpusCer(pairs);
  console.log(
    `  ${name.padEnd(58)} WER ${(r.wer * 100).toFixed(2).padStart(6)} %  CER ${(c.wer * 100).toFixed(2).padStart(6)} %  (${r.errors}/${r.words} words, ${utts.length} utts, ${(seconds / 60).toFixed(1)} min)`,
  );
  if (verbose) pairs.forEach((p, i) => console.log(`    ${utts[i].id}\n      REF: ${normalizeText(p.ref)}\n      HYP: ${normalizeText(p.hyp)}`));
}

async function run(name: string, utts: Utterance[] | null, real: boolean, pocketsphinxLive = false) {
  if (!utts) {
    console.log(`${name}: (not available here)`);
    return;
  }
  console.log(`${name}:`);
  const audios: MonoAudio[] = [];
  for (const u of utts) audios.push(await readAudio(u.path));
  const seconds = audios.reduce((a, x) => a + x.samples.length / x.sampleRate, 0);
  if (served) report('SERVED: int8 + beam + LM + lexicon (Earshot)', utts, await transcribeAll(served, audios, 'modified_beam_search', paced ? { paced, concurrency: pacedConcurrency } : {}), seconds);
  if (servedOnly) return;
  if (fp32) report('fp32 + beam + LM + lexicon (Earshot)', utts, await transcribeAll(fp32, audios, 'modified_beam_search'), seconds);
  for (const modelFile of ['model.int8.onnx', 'model.onnx']) {
    const rec = createRecognizer({ modelDir, modelFile });
    report(`${modelFile.includes('int8') ? 'int8' : 'fp32'} greedy (sherpa-onnx-node)`, utts, audios.map((a) => transcribe(rec, a)), seconds);
  }
  if (!real) return;
  if (pocketsphinxWhyNot) {
    console.log(`  pocketsphinx en-us (baseline): SKIPPED, ${pocketsphinxWhyNot}`);
    return;
  }
  // live mode starts one process per file (about 4 s of loading each): the small set only
  if (pocketsphinxLive) report('pocketsphinx en-us, live (pocketsphinx_continuous)', utts, await transcribeWithPocketsphinx(utts, 'live'), seconds);
  report('pocketsphinx en-us, whole files (pocketsphinx_batch)', utts, await transcribeWithPocketsphinx(utts, 'batch'), seconds);
}

console.log(`model: ${modelDir} (served file model.int8.onnx; decoding.json ${hasSearch ? 'present' : 'absent: greedy only'}; VAD ${withVad ? 'on' : 'off'}; ASR_VAD_SEAL_MS=${process.env.ASR_VAD_SEAL_MS ?? '(default)'}; ASR_VAD_LOOKAHEAD=${process.env.ASR_VAD_LOOKAHEAD ?? '(default: on)'}; ${paced ? `paced at real time, ${pacedConcurrency} at once` : 'pushed as fast as decoded'})`);
if (wanted.has('real')) await run('real recordings, ../shared/testdata (evaluation only)', realRecordings(), true, true);
if (wanted.has('realdev')) await run('real speakers held out, ../shared/realspeech/dev.tsv (tunes decoding.json)', realspeechDev(), true);
if (wanted.has('test')) await run('held-out synthetic, full test set (work-data/)', heldoutCorpus(), false);
if (wanted.has('fixtures')) await run('held-out synthetic, committed fixtures', heldoutFixtures(), false);
if (wanted.has('dev')) await run('held-out synthetic, dev set (work-data/)', devCorpus(), false);
if (wanted.has('timed')) await run("synthetic, bench:latency's sentences (.tmp/timed-speech/)", timedSpeech(), false);
await served?.close();
await fp32?.close();
