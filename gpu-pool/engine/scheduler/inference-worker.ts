import { parentPort, workerData } from 'node:worker_threads';
import { SileroVad } from '../endpointing/silero-vad.ts';
import { loadRecognizer } from '../recognizers/load-recognizer.ts';
import type { Recognizer } from '../recognizers/recognizer.ts';
import type { AsrChunkMessage, FromWorker, StreamCommand, StreamResult, ToWorker, WorkerSettings } from './messages.ts';
import { StreamPipeline, type VadSealSettings } from './stream-pipeline.ts';
import type { PendingChunk } from '../features/front-end.ts';

/**
 * An inference worker: owns the recognizer (model sessions and searches) and the per-stream state of the streams pinned
 * to it. Chunks that become ready within `batchWindowMs` of each other run as one batch
 * (states stacked on the batch axis); while a batch runs, new chunks queue for the next.
 */
const settings = workerData as WorkerSettings;
const port = parentPort!;
const streams = new Map<string, StreamPipeline>();
/**
 * Streams that received audio or a flush since a cycle last found them with nothing to do: the
 * only ones a cycle looks at, so hundreds of open idle streams cost a cycle nothing. A stream
 * without new audio has no new work (its VAD, reseal and look-ahead all wait on audio).
 */
const busy = new Set<StreamPipeline>();
let recognizer: Recognizer;
let vad: SileroVad | null = null;
let timer: NodeJS.Timeout | null = null;
let running = false;
let batches = 0;
let batchedChunks = 0;

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

async function init(): Promise<void> {
  const session = { provider: settings.provider, intraOpThreads: settings.intraOpThreads, preferInt8: settings.preferInt8, preloadSearch: settings.preloadSearch, finalizeAfterMs: settings.finalizeAfterMs };
  try {
    recognizer = await loadRecognizer(settings.modelDir, session);
    if (settings.vadModelPath) vad = await SileroVad.load(settings.vadModelPath, vadRateFor(recognizer.description.sampleRate), { ...session, intraOpThreads: 1 });
  } catch (err) {
    post({ type: 'load_failed', message: (err as Error).message });
    return;
  }
  const tokens = recognizer.tokens;
  post({ type: 'ready', model: recognizer.description, capabilities: recognizer.capabilities, symbols: tokens.symbols, blankId: tokens.blankId, vadWindowMs: vad ? vad.windowMs : null });
  port.on('message', onMessage);
}

/**
 * A stream's VAD seal (decoders/finalization.ts): only with a VAD and the finalisation policy on
 * (with the policy off a beam search commits what all its paths share, and greedy words wait
 * for the next word).
 */
function vadSeal(threshold: number | undefined): VadSealSettings | null {
  if (!vad || settings.vadSealMs == null || settings.finalizeAfterMs === null) return null;
  return { threshold: threshold ?? 0.5, sealMs: settings.vadSealMs, tokenDelayMs: settings.tokenDelayMs ?? recognizer.description.tokenDelayMs ?? 0 };
}

function vadRateFor(modelRate: number): number {
  return modelRate === 8000 ? 8000 : 16000;
}

function onMessage(msg: ToWorker): void {
  if (msg.type === 'shutdown') {
    if (timer) clearTimeout(timer);
    void Promise.allSettled([recognizer.release(), vad?.release()]).then(() => process.exit(0));
    return;
  }
  let work = false;
  let flush = false;
  for (const command of msg.commands) {
    const r = apply(command);
    work ||= r !== 'none';
    flush ||= r === 'now';
  }
  if (work) schedule(flush);
}

/** Apply one stream command; says whether it brought work, and whether that work is urgent. */
function apply(msg: StreamCommand): 'none' | 'later' | 'now' {
  switch (msg.type) {
    case 'open':
      try {
        streams.set(msg.id, new StreamPipeline(msg.id, msg.inputRate, recognizer, msg.decoding, vad, msg.keyterms, vadSeal(msg.vadThreshold)));
      } catch (err) {
        // e.g. a beam search whose decoding.json (loaded on first use) is broken: this stream only.
        post({ type: 'stream_error', id: msg.id, code: 'MODEL_ERROR', message: (err as Error).message ?? String(err) });
      }
      return 'none';
    case 'audio': {
      const s = streams.get(msg.id);
      if (!s || s.failed) return 'none';
      s.accept(msg.samples);
      busy.add(s);
      return 'later';
    }
    case 'flush': {
      const s = streams.get(msg.id);
      if (!s) {
        post({ type: 'flushed', id: msg.id, reqId: msg.reqId });
        return 'none';
      }
      s.finish();
      s.pendingFlushes.push(msg.reqId);
      busy.add(s);
      return 'now';
    }
    case 'end_turn': {
      // The main thread ended the turn on the path it was shown last; the search commits its
      // best path and starts a new sentence (tokens of earlier frames are dropped there).
      const s = streams.get(msg.id);
      if (s && !s.failed) commitSearch(s);
      return 'none';
    }
    case 'keyterms': {
      const s = streams.get(msg.id);
      if (s) recognizer.setKeyterms(s.modelState, msg.keyterms);
      return 'none';
    }
    case 'vad_threshold': {
      const s = streams.get(msg.id);
      if (s?.silence) s.silence.threshold = msg.threshold;
      return 'none';
    }
    case 'close': {
      const s = streams.get(msg.id);
      if (s) busy.delete(s);
      streams.delete(msg.id);
      return 'none';
    }
  }
}

/** Start a cycle after the batching window, unless one is running (it will pick the work up). */
function schedule(now = false): void {
  if (running) return;
  if (now) {
    if (timer) clearTimeout(timer);
    timer = null;
    void cycle();
    return;
  }
  if (!timer) timer = setTimeout(() => {
    timer = null;
    void cycle();
  }, settings.batchWindowMs);
}

async function cycle(): Promise<void> {
  running = true;
  try {
    for (;;) {
      const asrOut = new Map<string, AsrChunkMessage[]>();
      const vadOut = new Map<string, number[]>();
      const asrReady = [...busy].filter((s) => s.hasAsrWork).sort((a, b) => a.waitingSince - b.waitingSince);
      const vadReady = [...busy].filter((s) => s.hasVadWork);
      if (asrReady.length === 0 && vadReady.length === 0) break;
      // ASR first, each batch posted as soon as it is decoded (chunk latency), then the VAD
      // windows (the turn logic only counts silence over audio both have processed).
      // Equal batches (40 ready at most 32 → 20 + 20, not 32 + 8): small batches cost more per stream.
      const batchSize = Math.ceil(asrReady.length / Math.ceil(asrReady.length / settings.maxBatchSize));
      for (let i = 0; i < asrReady.length; i += batchSize) {
        await runAsr(asrReady.slice(i, i + batchSize), asrOut);
        flushOut(asrOut, vadOut);
      }
      await runVad(vadOut);
      reseal(asrOut);
      await decodeAhead(asrOut);
      flushOut(asrOut, vadOut);
    }
    for (const s of busy) {
      if (s.pendingFlushes.length > 0 && !s.hasAsrWork) {
        commitSearch(s);
        for (const reqId of s.pendingFlushes) post({ type: 'flushed', id: s.id, reqId });
        s.pendingFlushes = [];
      }
      if (s.pendingFlushes.length === 0 && !s.hasAsrWork && !s.hasVadWork) busy.delete(s);
    }
  } finally {
    running = false;
  }
  if ([...busy].some((s) => s.hasAsrWork || s.hasVadWork)) schedule(true);
}

/** Post everything decoded since the last post as one message (the main thread routes it). */
/** Post the tokens a search still holds back; no tentative tail is left after them. */
function commitSearch(s: StreamPipeline): void {
  const rest = recognizer.finalize(s.modelState);
  post({ type: 'results', results: [{ id: s.id, asr: [{ tokens: rest, frames: 0, blankProbs: new Float32Array(0), tentative: [] }], vad: [] }] });
}

function flushOut(asrOut: Map<string, AsrChunkMessage[]>, vadOut: Map<string, number[]>): void {
  const results: StreamResult[] = [];
  for (const id of new Set([...asrOut.keys(), ...vadOut.keys()])) results.push({ id, asr: asrOut.get(id) ?? [], vad: vadOut.get(id) ?? [] });
  // Copied, not transferred: a few dozen bytes per stream clone cheaper than detaching buffers.
  if (results.length > 0) post({ type: 'results', results });
  asrOut.clear();
  vadOut.clear();
}

async function runAsr(batch: StreamPipeline[], out: Map<string, AsrChunkMessage[]>): Promise<void> {
  const chunks = batch.map((s) => s.frontEnd.take()!);
  for (const s of batch) if (s.frontEnd.readyCount > 0) s.waitingSince = performance.now();
  try {
    const results = await recognizer.runBatch(batch.map((s) => s.modelState), chunks);
    batches++;
    batchedChunks += batch.length;
    batch.forEach((s, i) => push(out, s.id, results[i]));
  } catch (err) {
    if (batch.length === 1) {
      fail(batch[0], err);
      return;
    }
    // Isolate the culprit: a bad stream must not take the others down.
    for (let i = 0; i < batch.length; i++) {
      try {
        const [r] = await recognizer.runBatch([batch[i].modelState], [chunks[i]]);
        push(out, batch[i].id, r);
      } catch (e) {
        fail(batch[i], e);
      }
    }
  }
}

/**
 * Between chunks, the VAD may have heard enough silence to seal a stream's last word: the search
 * re-applies its seal rule at once instead of at its next chunk, up to a chunk (300 ms) later.
 * Only what changed is posted.
 */
function reseal(out: Map<string, AsrChunkMessage[]>): void {
  if (!recognizer.reseal) return;
  for (const s of busy) {
    if (!s.wantsReseal) continue;
    s.vadSinceSeal = false;
    try {
      const r = recognizer.reseal(s.modelState);
      if (r.tokens.length > 0 || (r.wordClosed === true && !s.lastWordClosed)) push(out, s.id, r);
    } catch (err) {
      fail(s, err);
    }
  }
}

/**
 * The VAD seal's look-ahead (decoders/finalization.ts): streams whose VAD vouches for a pause but
 * whose chunk is not yet whole get its frames decoded now, on a copy of the model state, instead
 * of up to a chunk (300 ms) later, so the seal can close the last word. A failure only costs the
 * early seal: the stream's next whole chunk reports any model error.
 */
async function decodeAhead(out: Map<string, AsrChunkMessage[]>): Promise<void> {
  if (!settings.vadLookAhead || !recognizer.decodeAhead) return;
  const wanting = [...busy].filter((s) => s.wantsDecodeAhead);
  for (let i = 0; i < wanting.length; i += settings.maxBatchSize) {
    const batch: { s: StreamPipeline; pending: PendingChunk }[] = [];
    for (const s of wanting.slice(i, i + settings.maxBatchSize)) {
      const pending = s.takeAhead();
      if (pending) batch.push({ s, pending });
    }
    if (batch.length === 0) continue;
    try {
      const results = await recognizer.decodeAhead(
        batch.map((b) => b.s.modelState),
        batch.map((b) => b.pending.chunk),
        batch.map((b) => b.pending.samples),
      );
      batch.forEach((b, k) => push(out, b.s.id, results[k]));
    } catch {
      // see above
    }
  }
}

function push(out: Map<string, AsrChunkMessage[]>, id: string, r: AsrChunkMessage): void {
  const s = streams.get(id);
  if (!s) return; // closed meanwhile
  s.noteResult(r);
  const list = out.get(id) ?? [];
  list.push(r);
  out.set(id, list);
}

async function runVad(out: Map<string, number[]>): Promise<void> {
  if (!vad) return;
  for (;;) {
    const ready = [...busy].filter((s) => s.hasVadWork).slice(0, settings.maxBatchSize);
    if (ready.length === 0) return;
    try {
      const probs = await vad.runBatch(ready.map((s) => s.vadState!));
      ready.forEach((s, i) => {
        s.noteVad(probs[i]);
        const list = out.get(s.id) ?? [];
        list.push(probs[i]);
        out.set(s.id, list);
      });
    } catch (err) {
      for (const s of ready) fail(s, err);
    }
  }
}

function fail(s: StreamPipeline, err: unknown): void {
  s.failed = true;
  post({ type: 'stream_error', id: s.id, code: 'MODEL_ERROR', message: (err as Error).message ?? String(err) });
}

setInterval(() => post({ type: 'stats', batches, batchedChunks }), 5000).unref();
void init();
