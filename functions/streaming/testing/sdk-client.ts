/**
 * Runs the official `assemblyai` Node SDK, unmodified, against a wss:// endpoint and prints what it
 * sees as JSON lines. A child process, so NODE_EXTRA_CA_CERTS (read only at start-up) can trust the
 * test certificate. Usage: tsx sdk-client.ts <websocketBaseUrl> <audio file>
 */
import { StreamingTranscriber } from 'assemblyai';
import { readAudioFile } from '../../../gpu-pool/engine/testing/audio-files.ts';

const [websocketBaseUrl, file] = process.argv.slice(2);
const print = (event: string, data?: unknown) => process.stdout.write(`${JSON.stringify({ event, data })}\n`);

const audio = await readAudioFile(file);
const transcriber = new StreamingTranscriber({
  websocketBaseUrl,
  apiKey: 'self-hosted',
  sampleRate: audio.sampleRate,
  formatTurns: true,
  speechModel: 'universal-streaming-english',
  // v1.2 messages, as the SDK asks for them (session_heartbeat / acknowledge_silence).
  sessionHeartbeat: true,
  acknowledgeSilence: true,
});
transcriber.on('turn', (turn) => print('turn', turn));
transcriber.on('warning', (warning) => print('warning', warning));
transcriber.on('heartbeat', (heartbeat) => print('heartbeat', heartbeat));
transcriber.on('silence', (silence) => print('silence', silence));
transcriber.on('error', (error) => print('error', { message: error.message }));
transcriber.on('close', (code, reason) => print('close', { code, reason }));

const begin = await transcriber.connect();
print('begin', begin);
const frame = Math.round(audio.sampleRate / 10);
const started = performance.now();
for (let offset = 0, index = 0; offset < audio.samples.length; offset += frame, index++) {
  const chunk = audio.samples.slice(offset, offset + frame);
  transcriber.sendAudio(chunk.buffer);
  // Twice real time: well inside the gateway's burst allowance.
  const wait = started + ((index + 1) * 100) / 2 - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await transcriber.close();
print('closed');
