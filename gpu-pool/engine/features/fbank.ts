import { Fft } from './fft.ts';

/**
 * Kaldi-compatible log-mel filterbank, streaming, computed the way kaldi-native-fbank does
 * for sherpa-onnx (and torchaudio.compliance.kaldi.fbank): frames of 25 ms every 10 ms, DC
 * removal, pre-emphasis 0.97, Povey window, zero-padded 512-point FFT, power spectrum,
 * triangular mel filters between low_freq and high_freq, natural log floored at float
 * epsilon, no dither. Defaults are sherpa-onnx's: snip_edges=false (the first frame is
 * centred on 0 with the start reflected), high_freq = Nyquist − 400 Hz, input in [-1, 1]
 * (`inputScale` 32768 gives Kaldi's int16-range convention instead).
 *
 * Buffers are allocated once per extractor; frames go into one growing output store.
 */
export interface FbankOptions {
  sampleRate: number;
  numBins: number;
  frameLengthMs: number;
  frameShiftMs: number;
  lowFreq: number;
  /** > 0: absolute Hz; <= 0: offset from Nyquist. */
  highFreq: number;
  preemph: number;
  removeDc: boolean;
  snipEdges: boolean;
  inputScale: number;
  /** Analysis window: Kaldi's 'povey' (default) or a periodic 'hann' (kaldi-native-fbank's, as torch.hann_window). */
  window?: 'povey' | 'hann';
  /**
   * Mel filters: Kaldi's (HTK mel scale, FFT bins below Nyquist; default) or librosa's
   * (Slaney mel scale and area normalisation, Nyquist bin included), kaldi-native-fbank's is_librosa.
   */
  melScale?: 'kaldi' | 'librosa';
}

export const SHERPA_FBANK: Omit<FbankOptions, 'sampleRate'> = {
  numBins: 80,
  frameLengthMs: 25,
  frameShiftMs: 10,
  lowFreq: 20,
  highFreq: -400,
  preemph: 0.97,
  removeDc: true,
  snipEdges: false,
  inputScale: 1,
};

const FLT_EPSILON = 1.1920928955078125e-7;

function melScale(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** Kaldi's mel filters over FFT bins 0 .. padded/2 - 1 (Kaldi leaves the Nyquist bin out). */
function kaldiMelBanks(o: FbankOptions, paddedLength: number, high: number): { first: Int32Array; weights: Float64Array[] } {
  const binWidth = o.sampleRate / paddedLength;
  const melLow = melScale(o.lowFreq);
  const melHigh = melScale(high);
  const delta = (melHigh - melLow) / (o.numBins + 1);
  const first = new Int32Array(o.numBins);
  const weights: Float64Array[] = [];
  for (let b = 0; b < o.numBins; b++) {
    const left = melLow + b * delta;
    const center = left + delta;
    const right = center + delta;
    let start = -1;
    const w: number[] = [];
    for (let i = 0; i < paddedLength / 2; i++) {
      const mel = melScale(binWidth * i);
      if (mel > left && mel < right) {
        if (start < 0) start = i;
        w.push(mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center));
      }
    }
    first[b] = Math.max(0, start);
    weights.push(Float64Array.from(w));
  }
  return { first, weights };
}

/** Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above. */
function melScaleSlaney(hz: number): number {
  return hz <= 1000 ? (hz * 3) / 200 : 15 + (27 / Math.log(6.4)) * Math.log(hz / 1000);
}

function inverseMelScaleSlaney(mel: number): number {
  return mel <= 15 ? (200 / 3) * mel : 1000 * Math.exp((mel - 15) * (Math.log(6.4) / 27));
}

/**
 * librosa.filters.mel(norm='slaney') over FFT bins 0 .. padded/2: triangles in Hz between
 * Slaney-mel-spaced edges, each scaled by 2 / its width in Hz.
 */
function librosaMelBanks(o: FbankOptions, paddedLength: number, high: number): { first: Int32Array; weights: Float64Array[] } {
  const binWidth = o.sampleRate / paddedLength;
  const melLow = melScaleSlaney(o.lowFreq);
  const delta = (melScaleSlaney(high) - melLow) / (o.numBins + 1);
  const first = new Int32Array(o.numBins);
  const weights: Float64Array[] = [];
  for (let b = 0; b < o.numBins; b++) {
    const left = inverseMelScaleSlaney(melLow + b * delta);
    const center = inverseMelScaleSlaney(melLow + (b + 1) * delta);
    const right = inverseMelScaleSlaney(melLow + (b + 2) * delta);
    let start = -1;
    const w: number[] = [];
    for (let i = 0; i <= paddedLength / 2; i++) {
      const hz = binWidth * i;
      if (hz > left && hz < right) {
        if (start < 0) start = i;
        w.push(((hz <= center ? (hz - left) / (center - left) : (right - hz) / (right - center)) * 2) / (right - left));
      }
    }
    first[b] = Math.max(0, start);
    weights.push(Float64Array.from(w));
  }
  return { first, weights };
}

export class OnlineFbank {
  readonly dim: number;
  private readonly frameLength: number;
  private readonly frameShift: number;
  private readonly paddedLength: number;
  private readonly window: Float64Array;
  private readonly fft: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly frame: Float64Array;
  private readonly melFirst: Int32Array;
  private readonly melWeights: Float64Array[];
  /** Samples from absolute index `bufStart` on. */
  private buf: Float32Array;
  private bufLen = 0;
  private bufStart = 0;
  private numSamples = 0;
  private finished = false;
  private framesComputed = 0;
  /** Computed frames not yet taken, row-major. */
  private out: Float32Array;
  private outFrames = 0;
  private outStart = 0; // index of the first untaken frame

  constructor(readonly options: FbankOptions) {
    const o = options;
    this.dim = o.numBins;
    this.frameLength = Math.round((o.sampleRate * o.frameLengthMs) / 1000);
    this.frameShift = Math.round((o.sampleRate * o.frameShiftMs) / 1000);
    this.paddedLength = 1 << Math.ceil(Math.log2(this.frameLength));
    this.fft = new Fft(this.paddedLength);
    this.re = new Float64Array(this.paddedLength);
    this.im = new Float64Array(this.paddedLength);
    this.frame = new Float64Array(this.frameLength);
    this.window = new Float64Array(this.frameLength);
    if (o.window === 'hann') {
      const a = (2 * Math.PI) / this.frameLength; // periodic
      for (let i = 0; i < this.frameLength; i++) this.window[i] = 0.5 - 0.5 * Math.cos(a * i);
    } else {
      const a = (2 * Math.PI) / (this.frameLength - 1);
      for (let i = 0; i < this.frameLength; i++) this.window[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
    }
    // Mel filters (kaldiMelBanks or librosaMelBanks) between lowFreq and high.
    const nyquist = o.sampleRate / 2;
    const high = o.highFreq > 0 ? o.highFreq : nyquist + o.highFreq;
    const banks = o.melScale === 'librosa' ? librosaMelBanks(o, this.paddedLength, high) : kaldiMelBanks(o, this.paddedLength, high);
    this.melFirst = banks.first;
    this.melWeights = banks.weights;
    this.buf = new Float32Array(Math.max(4096, this.frameLength * 4));
    this.out = new Float32Array(this.dim * 64);
  }

  /** Frames available now (computed, not yet taken). */
  get readyFrames(): number {
    return this.outFrames - this.outStart;
  }

  accept(samples: Float32Array): void {
    if (this.finished) throw new Error('fbank: accept() after finish()');
    this.append(samples);
    this.compute();
  }

  /** No more input: emit the last frames (reflecting past the end when snip_edges is off). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.compute();
  }

  /** Copy the next `n` frames into `dest` (row-major) and drop them. */
  take(n: number, dest: Float32Array, destOffset = 0): void {
    if (n > this.readyFrames) throw new RangeError(`fbank: ${n} frames requested, ${this.readyFrames} ready`);
    dest.set(this.out.subarray(this.outStart * this.dim, (this.outStart + n) * this.dim), destOffset);
    this.outStart += n;
  }

  /** Copy frames [start, start+n) of the ready ones without dropping them. */
  peek(start: number, n: number, dest: Float32Array, destOffset = 0): void {
    if (start + n > this.readyFrames) throw new RangeError('fbank: peek beyond ready frames');
    const s = (this.outStart + start) * this.dim;
    dest.set(this.out.subarray(s, s + n * this.dim), destOffset);
  }

  drop(n: number): void {
    this.outStart += Math.min(n, this.readyFrames);
  }

  private append(samples: Float32Array): void {
    const need = this.bufLen + samples.length;
    if (need > this.buf.length) {
      const next = new Float32Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    const scale = this.options.inputScale;
    if (scale === 1) this.buf.set(samples, this.bufLen);
    else for (let i = 0; i < samples.length; i++) this.buf[this.bufLen + i] = samples[i] * scale;
    this.bufLen += samples.length;
    this.numSamples += samples.length;
  }

  private firstSample(f: number): number {
    return this.options.snipEdges ? f * this.frameShift : f * this.frameShift + Math.floor(this.frameShift / 2) - Math.floor(this.frameLength / 2);
  }

  private totalFrames(): number {
    const n = this.numSamples;
    const shift = this.frameShift;
    const len = this.frameLength;
    if (this.options.snipEdges) return n < len ? 0 : 1 + Math.floor((n - len) / shift);
    let frames = Math.floor((n + Math.floor(shift / 2)) / shift);
    if (this.finished) return frames;
    while (frames > 0 && this.firstSample(frames - 1) + len > n) frames--;
    return frames;
  }

  private compute(): void {
    const total = this.totalFrames();
    if (total <= this.framesComputed) return;
    this.reserveOutput(total - this.framesComputed);
    for (let f = this.framesComputed; f < total; f++) this.computeFrame(f);
    this.framesComputed = total;
    // Forget samples no future frame needs.
    const keepFrom = Math.max(0, Math.min(this.firstSample(total), this.numSamples));
    const drop = keepFrom - this.bufStart;
    if (drop > 0 && !this.finished) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart = keepFrom;
    }
  }

  private reserveOutput(extra: number): void {
    // Compact taken frames away, then grow if still short.
    if (this.outStart > 0) {
      this.out.copyWithin(0, this.outStart * this.dim, this.outFrames * this.dim);
      this.outFrames -= this.outStart;
      this.outStart = 0;
    }
    const need = (this.outFrames + extra) * this.dim;
    if (need > this.out.length) {
      const next = new Float32Array(Math.max(need, this.out.length * 2));
      next.set(this.out.subarray(0, this.outFrames * this.dim));
      this.out = next;
    }
  }

  private sampleAt(s: number): number {
    const n = this.numSamples;
    while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
    return this.buf[s - this.bufStart];
  }

  private computeFrame(f: number): void {
    const len = this.frameLength;
    const start = this.firstSample(f);
    const fr = this.frame;
    const inside = start >= this.bufStart && start + len <= this.numSamples;
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const v = inside ? this.buf[start + i - this.bufStart] : this.sampleAt(start + i);
      fr[i] = v;
      sum += v;
    }
    if (this.options.removeDc) {
      const mean = sum / len;
      for (let i = 0; i < len; i++) fr[i] -= mean;
    }
    const p = this.options.preemph;
    if (p !== 0) {
      for (let i = len - 1; i > 0; i--) fr[i] -= p * fr[i - 1];
      fr[0] -= p * fr[0];
    }
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < len; i++) re[i] = fr[i] * this.window[i];
    re.fill(0, len);
    im.fill(0);
    this.fft.transform(re, im);
    const o = this.outFrames * this.dim;
    for (let b = 0; b < this.dim; b++) {
      const w = this.melWeights[b];
      const first = this.melFirst[b];
      let e = 0;
      for (let k = 0; k < w.length; k++) {
        const j = first + k;
        e += w[k] * (re[j] * re[j] + im[j] * im[j]);
      }
      this.out[o + b] = Math.log(Math.max(e, FLT_EPSILON));
    }
    this.outFrames++;
  }
}
