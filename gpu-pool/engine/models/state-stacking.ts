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
