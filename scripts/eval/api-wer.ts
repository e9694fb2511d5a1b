// npm run eval:api -- WER of a RUNNING Earshot through its public WebSocket API: every real recording
// (../shared/testdata) streamed by the example client (npm run example) with unformatted turns, the
// turns joined. It measures what a user of the server gets at its current settings (start it first:
// npm start), where eval:wer measures the served configuration through the engine API. Faster than
// real time, the 27 files run past the per-client audio budget (3007 after 60 s ahead), so start the
// server for it with `CLIENT_AUDIO_BURST_SECONDS=0 npm start`, or pass --speed 1.
//   tsx scripts/eval/api-wer.ts [--endpoint ws://localhost:8080] [--speed 4]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { realRecordings } from './sets.js';
import { corpusWer } from './wer.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const endpoint = option('--endpoint', 'ws://localhost:8080');
const speed = option('--speed', '4');

const utts = realRecordings();
if (!utts) throw new Error('no real recordings (../shared/testdata or EARSHOT_TESTDATA)');
const client = join(import.meta.dirname, '..', 'example-client.ts');
const pairs = utts.map((u) => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', client, '--audio-file', u.path, '--endpoint', endpoint, '--format-turns', 'false', '--speed', speed], { encoding: 'utf8' });
  const hyp = out.split('\n').filter((l) => /^Turn \d+: /.test(l)).map((l) => l.replace(/^Turn \d+: /, '')).join(' ');
  return { ref: u.ref, hyp };
});
const r = corpusWer(pairs);
console.log(`real recordings through ${endpoint}: WER ${(r.wer * 100).toFixed(2)} % (${r.errors}/${r.words} words, ${utts.length} files, --speed ${speed})`);
