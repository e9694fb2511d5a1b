import { randomUUID } from 'node:crypto';
import type { AsrStream, RecognizedWord, StreamEvent, StreamOptions, TurnDetectionOptions } from '../api.ts';
import { PcmDecoder } from '../audio/pcm-decoder.ts';
import { WordAssembler } from '../decoders/word-assembler.ts';
import { TurnDetector } from '../endpointing/turn-detector.ts';
import { EngineError } from '../errors.ts';
import type { AsrChunkMessage } from '../scheduler/messages.ts';
import { validateTurnOptions } from './options.ts';

/**
 * How far (audio time) the VAD may run ahead of the decoded audio. Live, the ASR trails the VAD by
 * up to one model chunk (300 ms) plus a batch, so the VAD never waits; when the ASR falls further
 * behind, silence is not counted past words the ASR has yet to hand out.
 */
const MAX_VAD_LEAD_MS = 600;

type TurnEndReason = 'confident_silence' | 'max_silence' | 'forced' | 'flush';

/** What a stream needs from the engine: its worker link and the model's constants. */
export interface StreamHost {
  symbols: string[];
  frameMs: number;
  /**
   * How far the stream's tokens lag their audio: the model's token lag (ModelDescription.tokenDelayMs)
   * plus, where the audio is resampled, the resampler's alignment lead. Word times are moved back by it.
   */
  tokenDelayMs?: number;
  vadWindowMs: number | null;
  /** The stream's search holds tokens back (beam search): it is told when a turn ends. */
  searchHoldsBack: boolean;
  /** Why these keyterms will have no effect on the stream's search, or null when they will (recognizers/recognizer.ts). */
  keytermWarning?(keyterms: readonly string[]): string | null;
  send(
    stream: EngineStream,
    msg:
      | { type: 'audio'; samples: Float32Array }
      | { type: 'flush'; reqId: number }
      | { type: 'end_turn' }
      | { type: 'keyterms'; keyterms: string[] }
      | { type: 'vad_threshold'; threshold: number }
      | { type: 'close' },
  ): void;
  detach(stream: EngineStream): void;
}

/**
 * The main-thread half of a stream: wire bytes → float samples (sent to the stream's worker),
 * and worker results → words, turns and events. No inference happens here.
 */
export class EngineStream implements AsrStream {
  readonly id = randomUUID();
  readonly warnings: string[] = [];
  private readonly decoder: PcmDecoder;
  private readonly turn: TurnDetector;
  private words: WordAssembler;
  private listeners: ((e: StreamEvent) => void)[] = [];
  private closed = false;
  private failed = false;
  private speechStartedThisTurn = false;
  private lastEmittedVersion = -1;
  private flushSeq = 0;
  private readonly flushWaiters = new Map<number, () => void>();
  private decodedFrames = 0;
  /**
   * Output frames decoded when the current turn began: tokens of earlier frames belong to a turn
   * that already ended (see endTurn) and are dropped.
   */
  private turnStartFrame = 0;
  /** Worker results not yet fed to the turn logic (see consumeInTimeOrder). */
  private pendingAsr: AsrChunkMessage[] = [];
  private pendingVad: number[] = [];
  private pushedSamples = 0;
  /**
   * Audio pushed but not yet decoded, beyond which the stream fails with OVERLOADED instead of
   * queueing without bound (a client far faster than real time, or a saturated worker).
   */
  static maxBacklogMs = Number(process.env.EARSHOT_MAX_BACKLOG_MS ?? 60_000);
  /**
   * Diagnostics hook (not part of AsrStream): called after each worker result with the
   * audio time decoded so far. Benchmarks use it to measure chunk latency.
   */
  onDecoded?: (decodedMs: number) => void;

  constructor(
    private readonly host: StreamHost,
    readonly options: StreamOptions,
  ) {
    this.decoder = new PcmDecoder(options.encoding);
    this.turn = new TurnDetector(options, host.vadWindowMs, host.frameMs);
    this.words = new WordAssembler(host.symbols, host.frameMs, -(host.tokenDelayMs ?? 0));
    this.noteKeyterms(options.keyterms ?? []);
  }

  private noteKeyterms(keyterms: readonly string[]): void {
    const problem = this.host.keytermWarning?.(keyterms) ?? null;
    if (problem) this.warnings.push(problem);
  }

  on(listener: (event: StreamEvent) => void): void {
    this.listeners.push(listener);
  }

  push(audio: Uint8Array): void {
    if (this.closed) {
      if (this.failed) return; // the error event already ended this stream
      throw new EngineError('STREAM_CLOSED', `stream ${this.id} is closed`);
    }
    if (!(audio instanceof Uint8Array)) throw new EngineError('INVALID_AUDIO', 'audio must be a Uint8Array');
    if (audio.length === 0) return;
    const samples = this.decoder.decode(audio);
    if (samples.length === 0) return;
    this.pushedSamples += samples.length;
    const backlogMs = (this.pushedSamples / this.options.sampleRate) * 1000 - this.decodedFrames * this.host.frameMs;
    if (backlogMs > EngineStream.maxBacklogMs) {
      this.onError('OVERLOADED', `more than ${EngineStream.maxBacklogMs} ms of audio waiting to be decoded`);
      return;
    }
    this.host.send(this, { type: 'audio', samples });
  }

  updateOptions(options: Partial<TurnDetectionOptions>): void {
    validateTurnOptions(options);
    this.turn.update(options);
    if (options.vadThreshold !== undefined && !this.closed) this.host.send(this, { type: 'vad_threshold', threshold: options.vadThreshold });
  }

  updateKeyterms(keyterms: string[]): void {
    if (this.closed) return;
    this.noteKeyterms(keyterms);
    this.host.send(this, { type: 'keyterms', keyterms: [...keyterms] });
  }

  forceEndpoint(): void {
    if (this.closed) return;
    this.requestEndTurn('forced', 1);
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const reqId = ++this.flushSeq;
    return new Promise<void>((resolve) => {
      this.flushWaiters.set(reqId, resolve);
      this.host.send(this, { type: 'flush', reqId });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners = [];
    this.host.send(this, { type: 'close' });
    this.host.detach(this);
    for (const resolve of this.flushWaiters.values()) resolve();
    this.flushWaiters.clear();
  }

  // ---- called by the engine with worker messages ----

  onResult(asr: AsrChunkMessage[], vad: number[]): void {
    if (this.closed) return;
    this.pendingAsr.push(...asr);
    for (const p of vad) this.pendingVad.push(p);
    this.consumeInTimeOrder(false);
  }

  /**
   * Feeds VAD windows and ASR chunks to the turn logic in audio-clock order, deciding after each:
   * a result can carry seconds of audio (a client sending faster than real time, a busy worker),
   * and a turn that ends inside it must end there, with the words spoken before that point and
   * none after. The VAD, which keeps up with every client frame, may run at most MAX_VAD_LEAD_MS
   * ahead of the decoded audio; beyond that it waits for the ASR (`drain` at a flush: all is decoded).
   */
  private consumeInTimeOrder(drain: boolean): void {
    let consumedAsr = false;
    let consumedVad = false;
    let maxVad = 0;
    for (;;) {
      if (this.closed) return;
      const asrMs = this.decodedFrames * this.host.frameMs;
      const vadMs = this.turn.vadProcessedMs;
      const vadReady = this.pendingVad.length > 0 && (drain || vadMs < asrMs + MAX_VAD_LEAD_MS);
      if (this.pendingAsr.length > 0 && (!vadReady || asrMs <= vadMs)) {
        this.consumeAsrChunk(this.pendingAsr.shift()!);
        consumedAsr = true;
      } else if (vadReady) {
        const p = this.pendingVad.shift()!;
        maxVad = Math.max(maxVad, p);
        consumedVad = true;
        const onset = this.turn.onVad(p);
        if (onset && !this.speechStartedThisTurn) {
          this.speechStartedThisTurn = true;
          this.emit({ kind: 'speech_started', timestampMs: onset.timestampMs, confidence: onset.confidence });
        }
      } else break;
      const decision = this.turn.decide(this.words.lastWord());
      if (decision.end) {
        this.emitWordsIfChanged();
        this.requestEndTurn(decision.reason, decision.confidence);
      }
    }
    if (consumedAsr) this.onDecoded?.(this.decodedFrames * this.host.frameMs);
    this.emitWordsIfChanged();
    if (consumedVad || consumedAsr) {
      this.emit({ kind: 'voice_activity', processedMs: this.turn.processedMs, silenceMs: this.turn.silenceMs, maxSpeechProbability: maxVad });
    }
  }

  private consumeAsrChunk(chunk: AsrChunkMessage): void {
    for (const tok of chunk.tokens) {
      if (tok.frame < this.turnStartFrame) continue;
      if (this.words.addToken(tok.id, tok.frame, tok.prob)) this.noteSpeech(tok.frame, tok.prob);
      this.turn.onToken((tok.frame + 1) * this.host.frameMs, this.host.frameMs);
    }
    if (chunk.wordClosed) this.words.closeLastWord();
    this.turn.onAsrFrames(chunk.blankProbs);
    this.decodedFrames += chunk.frames;
    const tentative = chunk.tentative?.filter((tok) => tok.frame >= this.turnStartFrame);
    if (tentative && this.words.setTentative(tentative) && tentative.length > 0) {
      this.noteSpeech(tentative[0].frame, tentative[0].prob);
      // Speech evidence, but no speech time: the same tokens come again once committed.
      this.turn.onToken((tentative[tentative.length - 1].frame + 1) * this.host.frameMs, 0);
    }
  }

  /**
   * The turn ends now, on this thread, with no round trip to the inference worker: a beam
   * search's tentative tail is the path it would commit if the sentence ended here (the last
   * word and the sentence closed by its LM), so those words become final as they are. The worker
   * is told afterwards (it commits that path and starts a new sentence); whatever it still hands
   * out for frames decoded before this point belongs to the ended turn and is dropped.
   */
  private requestEndTurn(reason: TurnEndReason, confidence: number): void {
    this.words.commitTentative();
    this.endTurn(reason, confidence);
    if (this.host.searchHoldsBack) this.host.send(this, { type: 'end_turn' });
  }

  /** The first visible word of a turn is speech evidence when the VAD missed the onset. */
  private noteSpeech(frame: number, prob: number): void {
    if (this.speechStartedThisTurn || this.words.isEmpty) return;
    this.speechStartedThisTurn = true;
    this.emit({ kind: 'speech_started', timestampMs: Math.round(frame * this.host.frameMs), confidence: prob });
  }

  onFlushed(reqId: number): void {
    const resolve = this.flushWaiters.get(reqId);
    if (!resolve) return;
    this.flushWaiters.delete(reqId);
    if (this.closed) return resolve();
    this.consumeInTimeOrder(true);
    if (!this.closed) this.endTurn('flush', this.turn.decide(this.words.lastWord()).confidence);
    resolve();
  }

  onError(code: import('../api.ts').EngineErrorCode, message: string): void {
    if (this.closed) return;
    this.emit({ kind: 'error', code, message });
    this.failed = true;
    this.close();
  }

  private endTurn(reason: TurnEndReason, confidence: number): void {
    this.words.finalizeAll();
    const words = this.words.snapshot();
    if (words.length > 0) {
      this.emitWordsIfChanged();
      this.emit({ kind: 'end_of_turn', words, confidence, reason, silenceMs: this.turn.silenceMs });
    }
    // Frames already decoded stay in the past: the next turn's words start after them.
    this.turnStartFrame = this.decodedFrames;
    this.words = new WordAssembler(this.host.symbols, this.host.frameMs, -(this.host.tokenDelayMs ?? 0));
    this.lastEmittedVersion = -1;
    this.speechStartedThisTurn = false;
    this.turn.newTurn();
  }

  private emitWordsIfChanged(): void {
    if (this.words.version === this.lastEmittedVersion) return;
    this.lastEmittedVersion = this.words.version;
    const words: RecognizedWord[] = this.words.snapshot();
    if (words.length > 0) this.emit({ kind: 'words', words });
  }

  private emit(e: StreamEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's bug must not break the engine
      }
    }
  }
}
