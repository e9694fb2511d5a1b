import { ort } from './session.ts';

/**
 * Batching per-stream state tensors: each stream holds its slice (batch dim of size 1) as a
 * flat array; a batch interleaves them along the tensor's batch axis. With
 * outer = product of dims before the batch axis and inner = product of dims after it,
 * stacked[o][b][i] = stream_b[o][i].
 */
export interface StateSpec {
  name: string;
  /** Shape with the batch dim set to 1. */
  shape: number[];
  batchAxis: number;
  type: 'float32' | 'int64';
}

export function outerInner(spec: StateSpec): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  spec.shape.forEach((d, i) => {
    if (i < spec.batchAxis) outer *= d;
    else if (i > spec.batchAxis) inner *= d;
  });
  return { outer, inner };
}

export function stack<T extends Float32Array | BigInt64Array>(spec: StateSpec, parts: T[], make: (n: number) => T): T {
  const { outer, inner } = outerInner(spec);
  const n = parts.length;
  const out = make(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let b = 0; b < n; b++) out.set(parts[b].subarray(o * inner, (o + 1) * inner) as never, (o * n + b) * inner);
  }
  return out;
}

export function unstackInto<T extends Float32Array | BigInt64Array>(spec: StateSpec, data: T, parts: T[]): void {
  const { outer, inner } = outerInner(spec);
  const n = parts.length;
  for (let o = 0; o < outer; o++) {
    for (let b = 0; b < n; b++) parts[b].set(data.subarray((o * n + b) * inner, (o * n + b + 1) * inner) as never, o * inner);
  }
}

export function batchedShape(spec: StateSpec, n: number): number[] {
  return spec.shape.map((d, i) => (i === spec.batchAxis ? n : d));
}

/** One stream's state tensors: zeros of each spec's shape (sherpa-onnx's GetInitStates). */
export function createStateTensors(specs: readonly StateSpec[]): (Float32Array | BigInt64Array)[] {
  return specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    return s.type === 'int64' ? new BigInt64Array(size) : new Float32Array(size);
  });
}

/**
 * The batch's state feeds: spec i stacked over the streams, as input `names[first + i]`.
 * `states[b][i]` is stream b's tensor of spec i.
 */
export function stackStateFeeds(specs: readonly StateSpec[], states: (Float32Array | BigInt64Array)[][], names: readonly string[], first: number, feeds: Record<string, ort.Tensor>): void {
  const n = states.length;
  specs.forEach((spec, i) => {
    const parts = states.map((s) => s[i]);
    const shape = batchedShape(spec, n);
    feeds[names[first + i]] =
      spec.type === 'int64'
        ? new ort.Tensor('int64', stack(spec, parts as BigInt64Array[], (k) => new BigInt64Array(k)), shape)
        : new ort.Tensor('float32', stack(spec, parts as Float32Array[], (k) => new Float32Array(k)), shape);
  });
}

/** Copies the next states (outputs `names[first + i]`) back into each stream's tensors. */
export function unstackStateOutputs(specs: readonly StateSpec[], states: (Float32Array | BigInt64Array)[][], names: readonly string[], first: number, out: Record<string, ort.Tensor>): void {
  specs.forEach((spec, i) => {
    const data = out[names[first + i]].data as Float32Array | BigInt64Array;
    unstackInto(spec, data as never, states.map((s) => s[i]) as never);
  });
}
