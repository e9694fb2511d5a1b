import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { AsrEngine, AsrStream, EngineOptions, ModelInfo, StreamOptions } from './api.ts';
import { findVadModel, VAD_MODEL_FILE, VAD_PACKAGE } from './endpointing/vad-model.ts';
import { EngineError } from './errors.ts';
import { resamplerAlignment } from './audio/resampler.ts';
import { DEFAULT_VAD_SEAL_MS } from './decoders/finalization.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { parseBoolean } from '../parse-boolean.ts';
import type { DecodingMethod, ModelDescription } from './models/model.ts';
import { decodingProblem, keytermProblem, type RecognizerCapabilities } from './recognizers/recognizer.ts';
import type { FromWorker, StreamCommand, ToWorker, WorkerSettings } from './scheduler/messages.ts';
import { chooseProvider } from './scheduler/provider-probe.ts';
import { EngineStream, type StreamHost } from './stream/asr-stream.ts';
import { validateStreamOptions } from './stream/options.ts';

interface WorkerHandle {
  worker: Worker;
  streams: Map<string, EngineStream>;
  batches: number;
  batchedChunks: number;
  /** Commands queued this event-loop turn, posted together (see ToWorker). */
  outbox: StreamCommand[];
  transfer: ArrayBuffer[];
}

/** Queue a command for the worker; the queue goes out once the current I/O callbacks are done. */
function send(handle: WorkerHandle, command: StreamCommand): void {
  if (handle.outbox.length === 0) setImmediate(() => postOutbox(handle));
  handle.outbox.push(command);
  if (command.type === 'audio') handle.transfer.push(command.samples.buffer as ArrayBuffer);
}

function postOutbox(handle: WorkerHandle): void {
  if (handle.outbox.length === 0) return;
  handle.worker.postMessage({ type: 'commands', commands: handle.outbox } satisfies ToWorker, handle.transfer);
  handle.outbox = [];
  handle.transfer = [];
}

/**
 * The engine: a pool of inference workers (worker_threads), each owning its own ONNX
 * sessions; streams are pinned to the least-loaded worker for their lifetime (their state
 * lives there). The event loop only converts bytes and assembles words.
 */
export async function createEngine(options: EngineOptions): Promise<AsrEngine> {
  const log = options.logger ?? silentLogger;
  const choice = chooseProvider(options.provider ?? 'auto');
  // CPU: one single-threaded worker per core measured fastest (bench:engine: 2 × 1 thread
  // beats 1 × 2 threads by ~40% on 2 cores: no intra-op synchronisation, two batches in
  // flight). GPU: one worker feeds the device.
  const workers = Math.max(1, Math.floor(options.workers ?? (choice.provider === 'cuda' ? 1 : Math.min(8, availableParallelism()))));
  log.info({ provider: choice.provider, reason: choice.reason }, 'execution provider chosen');
  const wantVad = options.vad !== false;
  const vadModelPath = wantVad ? findVadModel(options.vadModelPath) : undefined;
  if (wantVad && options.vadModelPath && !vadModelPath) throw new EngineError('MODEL_ERROR', `VAD model ${options.vadModelPath} not found`);
  if (wantVad && !vadModelPath) log.warn(`Silero VAD model not found (${VAD_PACKAGE} not installed, no ${VAD_MODEL_FILE} on the model search path): turns end on decoder silence only`);
  const decoding: DecodingMethod =
    options.decoding === 'auto' ? (existsSync(join(options.modelDir, 'decoding.json')) ? 'modified_beam_search' : 'greedy_search') : (options.decoding ?? 'greedy_search');
  const settings: WorkerSettings = {
    modelDir: options.modelDir,
    vadModelPath,
    provider: choice.provider,
    intraOpThreads: Math.max(1, Math.floor(options.threadsPerWorker ?? 1)),
    preferInt8: options.preferInt8 ?? false,
    preloadSearch: decoding === 'modified_beam_search',
    finalizeAfterMs: options.finalizeAfterMs !== undefined ? options.finalizeAfterMs : finalizeAfterMsFromEnv(process.env.ASR_FINALIZE_AFTER_MS),
    vadSealMs: options.vadSealMs !== undefined ? options.vadSealMs : vadSealMsFromEnv(process.env.ASR_VAD_SEAL_MS),
    vadLookAhead: options.vadLookAhead ?? vadLookAheadFromEnv(process.env.ASR_VAD_LOOKAHEAD),
    tokenDelayMs: tokenDelayMsFromEnv(process.env.ASR_TOKEN_DELAY_MS),
    batchWindowMs: Math.max(0, options.batchWindowMs ?? 8),
    maxBatchSize: Math.max(1, Math.floor(options.maxBatchSize ?? 32)),
  };
  const handles: WorkerHandle[] = [];
  let ready: Extract<FromWorker, { type: 'ready' }> | undefined;
  try {
    for (let i = 0; i < workers; i++) {
      const { handle, hello } = await startWorker(settings);
      handles.push(handle);
      ready = hello;
    }
  } catch (err) {
    await Promise.all(handles.map((h) => h.worker.terminate()));
    throw err;
  }
  const model = ready!.model;
  const capabilities = ready!.capabilities;
  log.info({ model, capabilities, workers, decoding, ...settings }, 'ASR engine ready');
  return new Engine(handles, model, capabilities, ready!.symbols, ready!.vadWindowMs, choice.provider, decoding, log);
}

/**
 * ASR_FINALIZE_AFTER_MS: the searches' finalisation bound (decoders/finalization.ts) where the
 * caller sets none: milliseconds, or 'off'; unset = the default.
 */
export function finalizeAfterMsFromEnv(value: string | undefined): number | null | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^off$/i.test(value.trim())) return null;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 60_000) throw new EngineError('INVALID_OPTIONS', `ASR_FINALIZE_AFTER_MS must be milliseconds (0-60000) or 'off', got '${value}'`);
  return ms;
}

/**
 * ASR_VAD_SEAL_MS: the VAD silence that seals the last word before a pause (decoders/finalization.ts)
 * where the caller sets none: milliseconds, or 'off' (the decoded-frames seal only); unset = the default.
 */
export function vadSealMsFromEnv(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return DEFAULT_VAD_SEAL_MS;
  if (/^off$/i.test(value.trim())) return null;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 10_000) throw new EngineError('INVALID_OPTIONS', `ASR_VAD_SEAL_MS must be milliseconds (0-10000) or 'off', got '${value}'`);
  return ms;
}

/** ASR_VAD_LOOKAHEAD: on (default) or off, the VAD seal's look-ahead (decoders/finalization.ts). */
export function vadLookAheadFromEnv(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true;
  const on = parseBoolean(value);
  if (on === undefined) throw new EngineError('INVALID_OPTIONS', `ASR_VAD_LOOKAHEAD must be on or off, got '${value}'`);
  return on;
}

/** ASR_TOKEN_DELAY_MS: overrides the model folder's token_delay_ms (decoding.json); unset = the folder's. */
export function tokenDelayMsFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 2000) throw new EngineError('INVALID_OPTIONS', `ASR_TOKEN_DELAY_MS must be milliseconds (0-2000), got '${value}'`);
  return ms;
}

function startWorker(settings: WorkerSettings): Promise<{ handle: WorkerHandle; hello: Extract<FromWorker, { type: 'ready' }> }> {
  const worker = new Worker(new URL('./scheduler/worker-entry.mjs', import.meta.url), { workerData: settings });
  const handle: WorkerHandle = { worker, streams: new Map(), batches: 0, batchedChunks: 0, outbox: [], transfer: [] };
  return new Promise((resolve, reject) => {
    const onFirst = (msg: FromWorker) => {
      if (msg.type === 'ready') {
        worker.off('message', onFirst);
        worker.on('message', (m: FromWorker) => route(handle, m));
        resolve({ handle, hello: msg });
      } else if (msg.type === 'load_failed') {
        void worker.terminate();
        reject(new EngineError('MODEL_ERROR', msg.message));
      }
    };
    worker.on('message', onFirst);
    worker.once('error', (err) => reject(new EngineError('MODEL_ERROR', `inference worker failed to start: ${err.message}`)));
  });
}

function route(handle: WorkerHandle, msg: FromWorker): void {
  switch (msg.type) {
    case 'results':
      for (const r of msg.results) handle.streams.get(r.id)?.onResult(r.asr, r.vad);
      return;
    case 'flushed':
      handle.streams.get(msg.id)?.onFlushed(msg.reqId);
      return;
    case 'stream_error':
      handle.streams.get(msg.id)?.onError(msg.code, msg.message);
      return;
    case 'stats':
      handle.batches = msg.batches;
      handle.batchedChunks = msg.batchedChunks;
      return;
    default:
      return;
  }
}

class Engine implements AsrEngine {
  readonly model: ModelInfo;
  private closed = false;
  private readonly pinned = new Map<string, WorkerHandle>();

  constructor(
    private readonly handles: WorkerHandle[],
    description: ModelDescription,
    private readonly capabilities: RecognizerCapabilities,
    private readonly symbols: string[],
    private readonly vadWindowMs: number | null,
    provider: 'cpu' | 'cuda',
    private readonly defaultDecoding: DecodingMethod,
    private readonly log: Logger,
  ) {
    this.model = {
      type: description.type,
      sampleRate: description.sampleRate,
      chunkMs: description.chunkMs,
      vocabSize: description.vocabSize,
      provider,
      capabilities,
    };
    this.frameMs = description.frameMs;
    this.tokenDelayMs = tokenDelayMsFromEnv(process.env.ASR_TOKEN_DELAY_MS) ?? description.tokenDelayMs ?? 0;
    for (const h of handles) {
      h.worker.on('exit', (code) => this.onWorkerExit(h, code));
    }
  }

  private readonly frameMs: number;
  private readonly tokenDelayMs: number;

  get activeStreams(): number {
    return this.pinned.size;
  }

  createStream(options: StreamOptions): AsrStream {
    if (this.closed) throw new EngineError('STREAM_CLOSED', 'engine is closed');
    const opts = validateStreamOptions(options);
    const handle = this.handles.reduce((a, b) => (b.streams.size < a.streams.size ? b : a));
    const pinned = this.pinned;
    const { capabilities, log } = this;
    const modelType = this.model.type;
    const asked = opts.decoding ?? this.defaultDecoding;
    const unavailable = decodingProblem(capabilities, modelType, asked);
    if (unavailable) log.warn({ decoding: asked }, unavailable);
    const decoding = unavailable ? capabilities.decodings[0] : asked;
    const host: StreamHost = {
      keytermWarning: (keyterms) => {
        const problem = keytermProblem(capabilities, modelType, decoding, keyterms);
        if (problem) log.warn({ decoding, keyterms: keyterms.length }, problem);
        return problem;
      },
      searchHoldsBack: decoding === 'modified_beam_search',
      symbols: this.symbols,
      frameMs: this.frameMs,
      // Resampled streams start late by the resampler's alignment lead (scheduler/stream-pipeline.ts).
      tokenDelayMs: this.tokenDelayMs + (resamplerAlignment(opts.sampleRate, this.model.sampleRate).outputSamples * 1000) / this.model.sampleRate,
      vadWindowMs: this.vadWindowMs,
      send: (stream, msg) => send(handle, { ...msg, id: stream.id }),
      detach: (stream) => {
        handle.streams.delete(stream.id);
        pinned.delete(stream.id);
      },
    };
    const stream = new EngineStream(host, opts);
    if (unavailable) stream.warnings.unshift(unavailable);
    handle.streams.set(stream.id, stream);
    pinned.set(stream.id, handle);
    send(handle, { type: 'open', id: stream.id, inputRate: opts.sampleRate, decoding, keyterms: opts.keyterms ?? [], vadThreshold: opts.vadThreshold });
    return stream;
  }

  /** Batching statistics (chunks per encoder run), for benchmarks and metrics. */
  get stats(): { batches: number; batchedChunks: number } {
    return this.handles.reduce((a, h) => ({ batches: a.batches + h.batches, batchedChunks: a.batchedChunks + h.batchedChunks }), { batches: 0, batchedChunks: 0 });
  }

  private onWorkerExit(h: WorkerHandle, code: number): void {
    if (this.closed) return;
    this.log.error({ code }, 'inference worker exited');
    for (const s of [...h.streams.values()]) s.onError('MODEL_ERROR', 'inference worker exited');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const h of this.handles) for (const s of [...h.streams.values()]) s.close();
    this.closed = true;
    await Promise.all(
      this.handles.map(
        (h) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => void h.worker.terminate().then(() => resolve()), 2000);
            h.worker.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            postOutbox(h);
            h.worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
          }),
      ),
    );
  }
}
