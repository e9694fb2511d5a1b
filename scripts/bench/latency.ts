/**
 * `npm run bench:latency [-- --loads 1,8,32 --seconds 40 --endpoint ws://host:8080 --format-turns --sample-rate 16000]`
 *
 * Latency as a client feels it, through the whole path (WebSocket → gateway → gRPC → ASR
 * worker → engine), at each load: that many concurrent sessions, each streaming synthetic
 * speech (16 kHz unless --sample-rate) in 100 ms frames paced at real time. Without --endpoint it starts the embedded server
 * (`runtime/main.ts`, the served configuration: int8 model, beam search with LM and lexicon) in
 * a child process, under a throw-away test licence for that many sessions (evaluation mode
 * admits 4), so the server does not share this process's event loop; its environment is
 * passed on (e.g. ASR_FINALIZE_AFTER_MS=off for the search without the finalisation policy).
 *
 * The speech is espeak-ng's (timed-speech.ts), so every word's true boundaries are known. Each
 * session speaks sentences one after another: 300 ms of silence, the sentence, then either
 * 2 s of silence (the endpointer ends the turn, default turn settings) or, for every third
 * sentence, a ForceEndpoint 300 ms after the speech ends and 1 s of silence.
 *
 * Printed per load (p50 / p95 / p99 and counts; latency-metrics.ts defines each):
 *   time to first partial of a word   first Turn showing a word at its position − end of its audio
 *   time to final of a word           first Turn where it has word_is_final: true − end of its audio
 *   end of speech → last word final   the sentence's last word turning final − end of its speech
 *   end of speech → end_of_turn Turn  (sentences ended by the endpointer)
 *   ForceEndpoint → final Turn        the end_of_turn Turn − the moment ForceEndpoint was sent
 * "End of its audio" is the engine's word end time, as the Turn reports it; the timestamp error
 * line compares those ends with the synthesiser's true word ends. Final words that change in a
 * later Turn are counted (must be 0).
 *
 * --format-turns: the sessions ask for format_turns=true, so every end-of-turn Turn goes through
 * the punctuation model and ITN; the difference to a run without it (ForceEndpoint → final Turn
 * is the cleanest row) is what formatting adds. Final words then count as changed only if their
 * spoken word, times or finality change (the formatted message writes marks and casing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { testLicenceEnv } from '../../runtime/license/test-support.ts';
import { toPcm16Bytes } from '../../gpu-pool/engine/audio/pcm16.ts';
import { emptySamples, percentile, sessionSamples, type LatencySamples, type ReceivedTurn, type ScriptedUtterance } from './latency-metrics.ts';
import { timedUtterances, type TimedUtterance } from './timed-speech.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '1,8,32' },
    seconds: { type: 'string', default: '40' },
    endpoint: { type: 'string' },
    'format-turns': { type: 'boolean', default: false },
    'sample-rate': { type: 'string', default: '16000' },
  },
});
const FORMAT_TURNS = values['format-turns'];
const LOADS = values.loads.split(',').map(Number);
const SECONDS = Number(values.seconds);
const RATE = Number(values['sample-rate']);
const FRAME_MS = 100;
const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;
const LEAD_MS = 300;
const TAIL_ENDPOINTER_MS = 2000;
const FORCE_AFTER_MS = 300;
const TAIL_FORCE_MS = 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(maxSessions: number): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...(await testLicenceEnv(maxSessions)), LOG_LEVEL: 'warn',
      // Unformatted sessions need no punctuation model.
      ...(FORMAT_TURNS ? {} : { PUNCTUATION_MODEL: process.env.PUNCTUATION_MODEL ?? 'off' }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { endpoint: `ws://127.0.0.1:${port}`, child };
}

interface SessionPlan {
  pcm: Uint8Array;
  utterances: ScriptedUtterance[];
  /** Frame index after which a ForceEndpoint goes out, → its utterance. */
  forceAfterFrame: Map<number, ScriptedUtterance>;
}

/** About SECONDS of sentences for one session, starting at sentence `first`. */
function plan(all: TimedUtterance[], first: number): SessionPlan {
  const parts: Float32Array[] = [];
  const utterances: ScriptedUtterance[] = [];
  const forceAfterFrame = new Map<number, ScriptedUtterance>();
  let at = 0; // samples so far
  const silence = (ms: number) => {
    const n = Math.round((ms * RATE) / 1000);
    parts.push(new Float32Array(n));
    at += n;
  };
  for (let k = 0; at < SECONDS * RATE; k++) {
    const u = all[(first + k) % all.length];
    silence(LEAD_MS);
    const offsetMs = (at * 1000) / RATE;
    parts.push(u.samples);
    at += u.samples.length;
    const ending = k % 3 === 2 ? 'force' : 'endpointer';
    const words = u.words.map((w) => ({ text: w.text, startMs: w.startMs + offsetMs, endMs: w.endMs + offsetMs }));
    const scripted: ScriptedUtterance = { startMs: words[0].startMs, endMs: words.at(-1)!.endMs, words, ending };
    utterances.push(scripted);
    if (ending === 'force') {
      forceAfterFrame.set(Math.ceil((scripted.endMs + FORCE_AFTER_MS) / FRAME_MS) - 1, scripted);
      silence(TAIL_FORCE_MS);
    } else silence(TAIL_ENDPOINTER_MS);
  }
  const samples = new Float32Array(at);
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  return { pcm: toPcm16Bytes(samples), utterances, forceAfterFrame };
}

function runSession(endpoint: string, p: SessionPlan, delayMs: number, into: LatencySamples): Promise<void> {
  return new Promise((resolve, reject) => {
    const sentAt: number[] = [];
    const turns: ReceivedTurn[] = [];
    const socket = new WebSocket(`${endpoint}/v3/ws?sample_rate=${RATE}${FORMAT_TURNS ? '&format_turns=true' : ''}`, { headers: { Authorization: 'self-hosted' } });
    socket.on('message', (data) => {
      const now = performance.now();
      const message = JSON.parse(data.toString());
      if (message.type === 'Begin') setTimeout(() => void stream(), delayMs);
      else if (message.type === 'Turn') turns.push({ at: now, turn_order: message.turn_order, end_of_turn: message.end_of_turn, words: message.words });
      else if (message.type === 'Error') reject(new Error(`Error ${message.error_code}: ${message.error}`));
    });
    socket.on('close', () => {
      const frameOf = (ms: number) => Math.min(sentAt.length - 1, Math.max(0, Math.ceil(ms / FRAME_MS) - 1));
      sessionSamples({ utterances: p.utterances, turns, sentAt: (ms) => sentAt[frameOf(ms)], formatted: FORMAT_TURNS }, into);
      resolve();
    });
    socket.on('error', reject);
    async function stream() {
      const started = performance.now();
      const bytes = FRAME_SAMPLES * 2;
      for (let offset = 0, index = 0; offset < p.pcm.length; offset += bytes, index++) {
        // A live client sends a frame once it has been recorded: at the end of its audio.
        const due = started + (index + 1) * FRAME_MS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        socket.send(p.pcm.subarray(offset, offset + bytes));
        sentAt[index] = performance.now();
        const forced = p.forceAfterFrame.get(index);
        if (forced) {
          socket.send(JSON.stringify({ type: 'ForceEndpoint' }));
          forced.forceSentAt = performance.now();
        }
      }
      socket.send(JSON.stringify({ type: 'Terminate' }));
    }
  });
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-').padStart(7);
function row(name: string, v: number[]): string {
  return `${name.padEnd(36)} ${String(v.length).padStart(6)} ${fmt(percentile(v, 50))} ${fmt(percentile(v, 95))} ${fmt(percentile(v, 99))}`;
}

const server = values.endpoint ? undefined : await startServer(Math.max(...LOADS));
const endpoint = values.endpoint ?? server!.endpoint;
try {
  const speech = await timedUtterances(RATE);
  const cpu = cpus();
  process.stdout.write(
    `bench:latency — ${endpoint}${server ? ' (embedded server, child process)' : ''}; ASR_FINALIZE_AFTER_MS=${process.env.ASR_FINALIZE_AFTER_MS ?? '(default)'}; format_turns=${FORMAT_TURNS}; ` +
      `${cpu.length} CPUs visible (${cpu[0]?.model.trim()}); ${speech.length} espeak-ng sentences; ${RATE} Hz audio in ${FRAME_MS} ms frames paced at real time\n`,
  );
  for (const load of LOADS) {
    const plans = Array.from({ length: load }, (_, s) => plan(speech, (s * 37) % speech.length));
    process.stderr.write(`load ${load}: ${load} sessions × ${SECONDS} s ...\n`);
    const samples = emptySamples();
    // Sessions start spread over one model chunk, as independent clients would.
    await Promise.all(plans.map((p, s) => runSession(endpoint, p, (s * 300) / load, samples)));
    const abs = samples.endError.map(Math.abs);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    process.stdout.write(
      [
        '',
        `load: ${load} concurrent session${load === 1 ? '' : 's'}, ${SECONDS} s of audio each (${plans.reduce((a, p) => a + p.utterances.length, 0)} sentences)`,
        `${'metric (ms)'.padEnd(36)} ${'n'.padStart(6)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}`,
        row('time to first partial of a word', samples.firstPartial),
        row('time to final of a word', samples.toFinal),
        row('end of speech → last word final', samples.speechEndToLastFinal),
        row('end of speech → end_of_turn Turn', samples.speechEndToEndOfTurn),
        row('ForceEndpoint → final Turn', samples.forceToFinal),
        `word end timestamp error (engine − true, ${abs.length} words matched): mean abs ${mean(abs).toFixed(0)} ms, mean ${mean(samples.endError).toFixed(0)} ms, p95 abs ${fmt(percentile(abs, 95)).trim()} ms`,
        `final words changed in a later Turn: ${samples.finalWordChanges}`,
        '',
      ].join('\n'),
    );
  }
} finally {
  server?.child.kill('SIGTERM');
}
