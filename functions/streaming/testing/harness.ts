/**
 * Conformance-test harness: the real embedded runtime (real engine and model, real gRPC worker on
 * loopback, real gateway) on a free port, and a real `ws` client that collects what the server says.
 */
import { pino } from 'pino';
import WebSocket from 'ws';
import { createTestEngine } from '../../../gpu-pool/grpc/testing/test-engine.ts';
import type { AsrEngine } from '../../../gpu-pool/engine/api.ts';
import { loadConfig } from '../../../runtime/config/index.ts';
import { testLicenceEnv } from '../../../runtime/license/test-support.ts';
import { startEmbedded, type EmbeddedHandle } from '../../../runtime/roles/embedded.ts';

/** The real recordings (gpu-pool/engine/testing/test-data.ts: EARSHOT_TESTDATA, else ../shared/testdata). */
export { TESTDATA_DIR as TESTDATA } from '../../../gpu-pool/engine/testing/test-data.ts';

export interface TestServer {
  url: string;
  port: number;
  tlsPort?: number;
  embedded: EmbeddedHandle;
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, engine?: AsrEngine): Promise<TestServer> {
  const ownEngine = !engine;
  const asrEngine = engine ?? (await createTestEngine());
  // Evaluation mode is capped at 4 sessions: tests run under a test licence for 64 unless they bring their own.
  const licence = env.LICENSE_FILE_PATH || env.EVALUATION_MAX_SESSIONS ? {} : await testLicenceEnv(64);
  // Every test client shares 127.0.0.1: tests that want the per-client audio budget set CLIENT_AUDIO_BURST_SECONDS.
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DRAIN_GRACE_MS: '1000', CLIENT_AUDIO_BURST_SECONDS: '0', ...licence, ...env });
  const embedded = await startEmbedded(config, { engine: asrEngine, env: { ...process.env, ...env }, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const port = embedded.gateway.port;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    tlsPort: embedded.gateway.tlsPort,
    embedded,
    async stop() {
      await embedded.stop();
      if (ownEngine) await asrEngine.close();
    },
  };
}

export type Message = Record<string, unknown> & { type: string };

/** A WebSocket client that records every message and the close, for assertions. */
export class TestClient {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  readonly socket: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string> = { Authorization: 'self-hosted' }) {
    this.socket = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the server must never send binary frames');
      this.messages.push(JSON.parse(data.toString()) as Message);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    this.socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves with the first message matching, waiting for it if needed. */
  async next(predicate: (message: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed without the expected message; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  type(type: string, timeoutMs?: number): Promise<Message> {
    return this.next((message) => message.type === type, timeoutMs);
  }

  ofType(type: string): Message[] {
    return this.messages.filter((message) => message.type === type);
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  sendAudio(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }
}

/** Streams s16le audio in frames of frameMs, paced at `speed` × real time (Infinity = no pacing). */
export async function streamAudio(client: TestClient, samples: Int16Array, sampleRate: number, frameMs = 100, speed = 1): Promise<void> {
  const frameSamples = Math.round((sampleRate * frameMs) / 1000);
  const started = performance.now();
  for (let offset = 0, index = 0; offset < samples.length; offset += frameSamples, index++) {
    if (client.socket.readyState !== WebSocket.OPEN) return;
    const frame = samples.subarray(offset, Math.min(samples.length, offset + frameSamples));
    client.sendAudio(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    if (Number.isFinite(speed)) {
      const due = started + ((index + 1) * frameMs) / speed;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Upper-case words without punctuation, for comparing transcripts with references. */
export function normalise(text: string): string[] {
  return text
    .toUpperCase()
    .replace(/[^A-Z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}
