import { openSession, ort, type SessionSettings } from '../models/session.ts';

/**
 * Silero VAD (v5/v6 ONNX): input [N, context + window] float32, state [2, N, 128], sr int64.
 * 16 kHz: 512-sample windows with 64 samples of context carried from the previous window;
 * 8 kHz: 256 + 32. Streams are batched on N; each stream keeps its own state and context.
 */
const SILENT_PEAK = 1e-4;

export interface VadStreamState {
  state: Float32Array; // [2, 128]
  context: Float32Array;
  pending: Float32Array[]; // windows waiting for the model
  window: Float32Array;
  fill: number;
}

export class SileroVad {
  readonly windowSize: number;
  readonly contextSize: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly sampleRate: number,
  ) {
    this.windowSize = sampleRate === 16000 ? 512 : 256;
    this.contextSize = sampleRate === 16000 ? 64 : 32;
  }

  static async load(path: string, sampleRate: number, settings: SessionSettings): Promise<SileroVad> {
    if (sampleRate !== 16000 && sampleRate !== 8000) throw new Error(`Silero VAD runs at 8 or 16 kHz, not ${sampleRate}`);
    return new SileroVad(await openSession(path, settings), sampleRate);
  }

  get windowMs(): number {
    return (this.windowSize * 1000) / this.sampleRate;
  }

  createState(): VadStreamState {
    return {
      state: new Float32Array(2 * 128),
      context: new Float32Array(this.contextSize),
      pending: [],
      window: new Float32Array(this.windowSize),
      fill: 0,
    };
  }

  accept(s: VadStreamState, samples: Float32Array): void {
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(this.windowSize - s.fill, samples.length - i);
      s.window.set(samples.subarray(i, i + n), s.fill);
      s.fill += n;
      i += n;
      if (s.fill === this.windowSize) {
        s.pending.push(s.window.slice());
        s.fill = 0;
      }
    }
  }

  /**
   * One window of each given stream, batched. Returns the speech probabilities.
   * Digitally silent windows (peak below ~3 LSB of 16-bit audio) are answered 0 without running
   * the model — conversations are largely silence — and leave the recurrent state as it was.
   */
  async runBatch(states: VadStreamState[]): Promise<Float32Array> {
    const probs = new Float32Array(states.length);
    const live: number[] = [];
    const windows: Float32Array[] = [];
    states.forEach((s, b) => {
      const w = s.pending.shift()!;
      let peak = 0;
      for (let i = 0; i < w.length; i++) peak = Math.max(peak, Math.abs(w[i]));
      if (peak < SILENT_PEAK) s.context.set(w.subarray(this.windowSize - this.contextSize));
      else {
        live.push(b);
        windows.push(w);
      }
    });
    if (live.length === 0) return probs;
    const n = live.length;
    const width = this.contextSize + this.windowSize;
    const input = new Float32Array(n * width);
    const state = new Float32Array(2 * n * 128);
    live.forEach((b, k) => {
      const s = states[b];
      const w = windows[k];
      input.set(s.context, k * width);
      input.set(w, k * width + this.contextSize);
      s.context.set(w.subarray(this.windowSize - this.contextSize));
      state.set(s.state.subarray(0, 128), k * 128);
      state.set(s.state.subarray(128), (n + k) * 128);
    });
    const out = await this.session.run({
      input: new ort.Tensor('float32', input, [n, width]),
      state: new ort.Tensor('float32', state, [2, n, 128]),
      sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(this.sampleRate)]), []),
    });
    const p = out.output.data as Float32Array;
    const next = out.stateN.data as Float32Array;
    live.forEach((b, k) => {
      probs[b] = p[k];
      states[b].state.set(next.subarray(k * 128, (k + 1) * 128), 0);
      states[b].state.set(next.subarray((n + k) * 128, (n + k + 1) * 128), 128);
    });
    return probs;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
