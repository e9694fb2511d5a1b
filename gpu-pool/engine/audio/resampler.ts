import { dot, placeWeights, scratch } from './f32-dot.ts';

/**
 * Streaming band-limited resampler: a Hann-windowed sinc evaluated on the exact grid of
 * input/output sample times (Kaldi's LinearResample algorithm, the one sherpa-onnx uses
 * inside its feature extractor). Using the same filter (cutoff 0.99 × half the lower rate,
 * 6 zero crossings) keeps Earshot's model input numerically close to sherpa-onnx's, which
 * the word-for-word comparison tests rely on.
 *
 * Time is counted in integer "ticks" of 1/lcm(in, out) s, so arbitrary push sizes give the
 * same output as one big push.
 */
export class StreamingResampler {
  private readonly inUnit: number;
  private readonly outUnit: number;
  private readonly firstIndex: Int32Array;
  private readonly weights: Float32Array[];
  private readonly windowWidth: number;
  private readonly tickFreq: number;
  private readonly remainderSize: number;
  /** The last `remainderSize` input samples seen, oldest first. */
  private remainder: Float32Array;
  private remainderFill = 0;
  private readonly maxTaps: number;
  private readonly taps: Int32Array;
  /** Identifies the filter (rates, cutoff, zeros): WASM memory holds one copy per filter. */
  private readonly key: string;
  /**
   * Output samples the filter holds back for input it has not seen yet (its look-ahead, about
   * 0.75 ms), rounded up to a whole number of input samples. A stream that first pushes
   * `alignmentInputSamples` zeros (StreamPipeline) has every output sample of the input up to
   * time T as soon as input up to T arrives, at the cost of starting this many samples late:
   * otherwise a model chunk that ends with a client's frame waits for the next frame (100 ms at a
   * typical pace) for its last few samples.
   */
  readonly alignmentOutputSamples: number;
  /** alignmentOutputSamples at the input rate. */
  readonly alignmentInputSamples: number;
  private inputOffset = 0; // samples consumed so far (absolute)
  private outputOffset = 0; // samples produced so far (absolute)

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    numZeros = 6,
    cutoffHz = 0.99 * 0.5 * Math.min(inRate, outRate),
  ) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new RangeError(`sample rates must be positive integers (got ${inRate} → ${outRate})`);
    }
    const base = gcd(inRate, outRate);
    this.inUnit = inRate / base;
    this.outUnit = outRate / base;
    this.tickFreq = (inRate / base) * outRate;
    this.windowWidth = numZeros / (2 * cutoffHz);
    this.firstIndex = new Int32Array(this.outUnit);
    this.weights = [];
    for (let i = 0; i < this.outUnit; i++) {
      const outT = i / outRate;
      const minIdx = Math.ceil((outT - this.windowWidth) * inRate);
      const maxIdx = Math.floor((outT + this.windowWidth) * inRate);
      const w = new Float32Array(maxIdx - minIdx + 1);
      for (let j = 0; j < w.length; j++) {
        const dt = (minIdx + j) / inRate - outT;
        w[j] = windowedSinc(Math.fround(dt), cutoffHz, numZeros) / inRate;
      }
      this.firstIndex[i] = minIdx;
      this.weights.push(w);
    }
    this.remainderSize = Math.ceil((inRate * numZeros) / cutoffHz);
    this.maxTaps = Math.max(...this.weights.map((w) => w.length));
    this.taps = Int32Array.from(this.weights, (w) => w.length);
    this.key = `${inRate}:${outRate}:${numZeros}:${cutoffHz}`;
    this.remainder = new Float32Array(this.remainderSize);
    ({ outputSamples: this.alignmentOutputSamples, inputSamples: this.alignmentInputSamples } = resamplerAlignment(inRate, outRate, numZeros, cutoffHz));
  }

  /** Resample the next block; `flush` pads the end with zeros and resets the stream. */
  process(input: Float32Array, flush = false): Float32Array {
    const totalIn = this.inputOffset + input.length;
    const totalOut = this.numOutputSamples(totalIn, flush);
    const out = new Float32Array(Math.max(0, totalOut - this.outputOffset));
    // One contiguous buffer [remainder | input | zero tail] in WASM memory: the inner loop needs
    // no edge cases. Before the stream start the remainder holds zeros (the filter's padding).
    const R = this.remainderSize;
    const need = R + input.length + this.maxTaps;
    const wOffsets = placeWeights(this.key, this.weights);
    const [extByte, ext] = scratch(need);
    ext.set(this.remainder, 0);
    ext.set(input, R);
    ext.fill(0, R + input.length, need);
    const outUnit = this.outUnit;
    const inUnit = this.inUnit;
    const firstIndex = this.firstIndex;
    const taps = this.taps;
    const base0 = R - this.inputOffset;
    for (let s = this.outputOffset, o = 0; s < totalOut; s++, o++) {
      const unit = Math.floor(s / outUnit);
      const wrapped = s - unit * outUnit;
      const base = firstIndex[wrapped] + unit * inUnit + base0;
      // float32 multiply-add in order, as sherpa-onnx: outputs bit-identical to the reference.
      out[o] = dot(extByte + base * 4, wOffsets[wrapped], taps[wrapped]);
    }
    if (flush) {
      this.reset();
    } else {
      this.keepRemainder(input);
      this.inputOffset = totalIn;
      this.outputOffset = totalOut;
    }
    return out;
  }

  reset(): void {
    this.inputOffset = 0;
    this.outputOffset = 0;
    this.remainderFill = 0;
    this.remainder.fill(0);
  }

  private numOutputSamples(totalIn: number, flush: boolean): number {
    const ticksPerIn = this.tickFreq / this.inRate;
    let ticks = totalIn * ticksPerIn;
    if (!flush) ticks -= Math.floor(Math.fround(this.windowWidth) * this.tickFreq);
    if (ticks <= 0) return 0;
    const ticksPerOut = this.tickFreq / this.outRate;
    let last = Math.floor(ticks / ticksPerOut);
    if (last * ticksPerOut === ticks) last--;
    return last + 1;
  }

  /** Keep the newest `remainderSize` samples of (old remainder ++ input), right-aligned. */
  private keepRemainder(input: Float32Array): void {
    const size = this.remainderSize;
    if (input.length >= size) {
      this.remainder.set(input.subarray(input.length - size));
      this.remainderFill = size;
      return;
    }
    const keepOld = Math.min(this.remainderFill, size - input.length);
    this.remainder.copyWithin(size - input.length - keepOld, size - keepOld, size);
    this.remainder.set(input, size - input.length);
    this.remainderFill = keepOld + input.length;
  }
}

/** A whole recording at another rate, in one call (clients and scripts that hold the full file). */
export function resampleAll(samples: Float32Array, inRate: number, outRate: number): Float32Array {
  if (inRate === outRate) return samples;
  return new StreamingResampler(inRate, outRate).process(samples, true);
}

/** StreamingResampler's alignmentOutputSamples and alignmentInputSamples for these rates, without building its filters. */
export function resamplerAlignment(inRate: number, outRate: number, numZeros = 6, cutoffHz = 0.99 * 0.5 * Math.min(inRate, outRate)): { outputSamples: number; inputSamples: number } {
  if (inRate === outRate) return { outputSamples: 0, inputSamples: 0 };
  const base = gcd(inRate, outRate);
  const tickFreq = (inRate / base) * outRate;
  // numOutputSamples stops this many ticks short of the input's end.
  const heldBackTicks = Math.floor(Math.fround(numZeros / (2 * cutoffHz)) * tickFreq);
  const heldBack = Math.ceil(heldBackTicks / (tickFreq / outRate));
  const units = Math.ceil(heldBack / (outRate / base));
  return { outputSamples: units * (outRate / base), inputSamples: units * (inRate / base) };
}

function windowedSinc(t: number, cutoff: number, numZeros: number): number {
  const window = Math.abs(t) < numZeros / (2 * cutoff) ? 0.5 * (1 + Math.cos(((2 * Math.PI * cutoff) / numZeros) * t)) : 0;
  const sinc = t !== 0 ? Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t) : 2 * cutoff;
  return Math.fround(Math.fround(sinc) * Math.fround(window));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
