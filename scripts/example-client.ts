/**
 * Streams an audio file to a v3 endpoint and prints turns as they arrive — the TypeScript
 * counterpart of the seed's example_with_prerecorded_audio_file.py, with the same flags.
 *
 *   npm run example -- --audio-file scripts/eval/fixtures/heldout/heldout-0009.wav   (committed synthetic speech)
 *   npm run example -- --audio-file x.flac --endpoint ws://host:8080 --speech-model universal-streaming-english --speed 4
 *
 * WAV (any encoding), FLAC or Ogg Vorbis, any rate and channel count (audio-file.ts): mixed to
 * mono, resampled to 16 kHz, sent as 100 ms pcm_s16le frames at real-time pace (× --speed), then
 * Terminate; exits 0 after Termination.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { readAudio } from '../gpu-pool/engine/audio/audio-file.ts';
import { toPcm16Bytes } from '../gpu-pool/engine/audio/pcm16.ts';
import { resampleAll } from '../gpu-pool/engine/audio/resampler.ts';

const SAMPLE_RATE = 16000;
const FRAME_MS = 100;

const { values } = parseArgs({
  options: {
    'audio-file': { type: 'string' },
    endpoint: { type: 'string', default: 'ws://localhost:8080' },
    'speech-model': { type: 'string', default: '' },
    speed: { type: 'string', default: '1' },
    authorization: { type: 'string', default: 'self-hosted' },
    'format-turns': { type: 'string', default: 'true' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values['audio-file']) {
  process.stdout.write('usage: npm run example -- --audio-file FILE [--endpoint ws://localhost:8080] [--speech-model NAME] [--speed 1]\n');
  process.exit(values.help ? 0 : 2);
}
const speed = Number(values.speed);
if (!(speed > 0)) throw new Error('--speed must be a positive number');

const audio = await readAudio(values['audio-file']).catch((err: Error) => {
  // A file it cannot read is the caller's mistake: one line, not a stack trace.
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
});
const pcm = toPcm16Bytes(resampleAll(audio.samples, audio.sampleRate, SAMPLE_RATE));
const totalSeconds = pcm.byteLength / 2 / SAMPLE_RATE;

const url = new URL(values.endpoint);
url.searchParams.set('sample_rate', String(SAMPLE_RATE));
url.searchParams.set('format_turns', values['format-turns']);
if (values['speech-model']) url.searchParams.set('speech_model', values['speech-model']);

const tty = process.stderr.isTTY;
let sentSeconds = 0;
/** One progress line on stderr, rewritten in place on a terminal. */
function progress(): void {
  const width = 30;
  const done = Math.round((sentSeconds / totalSeconds) * width);
  const line = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${sentSeconds.toFixed(1)}/${totalSeconds.toFixed(1)} s sent`;
  if (tty) process.stderr.write(`\r${line}`);
}
function print(line: string): void {
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(`${line}\n`);
  progress();
}

const socket = new WebSocket(url, { headers: { Authorization: values.authorization } });
let exitCode = 1;

socket.on('message', (data) => {
  const message = JSON.parse(data.toString()) as Record<string, any>;
  switch (message.type) {
    case 'Begin':
      print(`Session began: id=${message.id}, expires at ${new Date(message.expires_at * 1000).toISOString()}`);
      void stream();
      break;
    case 'Turn':
      // Like the seed's example: print when words exist; finished turns on their own line.
      if (message.words.length > 0 && message.end_of_turn) print(`Turn ${message.turn_order}: ${message.transcript}`);
      else if (message.words.length > 0 && tty) process.stderr.write(`\r\x1b[K  … ${message.words.map((w: { text: string }) => w.text).join(' ')}`);
      break;
    case 'SpeechStarted':
      break;
    case 'Termination':
      print(`Session terminated: ${message.audio_duration_seconds} s of audio, ${message.session_duration_seconds} s session`);
      exitCode = 0;
      break;
    case 'Warning':
      print(`Warning ${message.warning_code}: ${message.warning}`);
      break;
    case 'Error':
      print(`Error ${message.error_code}: ${message.error}`);
      break;
    default:
      print(`(unexpected message type ${message.type})`);
  }
});
socket.on('close', (code, reason) => {
  if (tty) process.stderr.write('\n');
  if (code !== 1000) process.stderr.write(`connection closed: ${code} ${reason.toString()}\n`);
  process.exit(exitCode);
});
socket.on('error', (error) => {
  process.stderr.write(`cannot connect to ${url.origin}: ${error.message}\n`);
  process.exit(1);
});

async function stream(): Promise<void> {
  const frameBytes = (SAMPLE_RATE * FRAME_MS * 2) / 1000;
  const started = performance.now();
  for (let offset = 0, index = 0; offset < pcm.byteLength; offset += frameBytes, index++) {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(pcm.subarray(offset, offset + frameBytes));
    sentSeconds = Math.min(totalSeconds, ((index + 1) * FRAME_MS) / 1000);
    progress();
    const wait = started + ((index + 1) * FRAME_MS) / speed - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  socket.send(JSON.stringify({ type: 'Terminate' }));
}
