/**
 * A float32 dot product in WebAssembly: `f32.mul` / `f32.add` in sequence are IEEE single
 * precision, exactly what sherpa-onnx's C++ resampler computes, at a fraction of the cost of
 * emulating float32 in JavaScript with Math.fround. One instance per thread (module state);
 * filter weights are placed once per rate pair, the rest of memory is scratch for the input.
 *
 * The module is 104 bytes, hand-assembled:
 *   (func (export "dot") (param $x i32) (param $w i32) (param $n i32) (result f32)
 *     (local $acc f32) (local $i i32)
 *     loop while $i < $n: $acc = $acc + x[$i] * w[$i]   ;; f32 ops, left to right
 *     $acc)
 *   (memory (export "mem") 1)
 */
const WASM =
  'AGFzbQEAAAABCAFgA39/fwF9AwIBAAUDAQABBw0CA2RvdAAAA21lbQIACjwBOgIBfQF/AkADQCAEIAJODQEgAyAAIARBAnRqKgIAIAEgBEECdGoqAgCUkiEDIARBAWohBAwACwsgAws=';

interface Kernel {
  dot: (x: number, w: number, n: number) => number;
  memory: WebAssembly.Memory;
  weightsEnd: number; // bytes used by weights
  placed: Map<string, Int32Array>;
}

let kernel: Kernel | null = null;

function getKernel(): Kernel {
  if (!kernel) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM, 'base64')), {});
    const e = instance.exports as unknown as { dot: Kernel['dot']; mem: WebAssembly.Memory };
    kernel = { dot: e.dot, memory: e.mem, weightsEnd: 0, placed: new Map() };
  }
  return kernel;
}

function ensure(bytes: number): void {
  const k = getKernel();
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** Byte offsets of each filter phase in WASM memory, placed once per `key`. */
export function placeWeights(key: string, phases: Float32Array[]): Int32Array {
  const k = getKernel();
  const hit = k.placed.get(key);
  if (hit) return hit;
  const total = phases.reduce((a, p) => a + p.length, 0) * 4;
  ensure(k.weightsEnd + total);
  const offsets = new Int32Array(phases.length);
  let at = k.weightsEnd;
  const view = new Float32Array(k.memory.buffer);
  phases.forEach((p, i) => {
    offsets[i] = at;
    view.set(p, at / 4);
    at += p.length * 4;
  });
  k.weightsEnd = at;
  k.placed.set(key, offsets);
  return offsets;
}

/** A scratch region of `floats` float32s after the weights; returns [byte offset, view]. */
export function scratch(floats: number): [number, Float32Array] {
  const k = getKernel();
  const start = Math.ceil(k.weightsEnd / 16) * 16;
  ensure(start + floats * 4);
  return [start, new Float32Array(k.memory.buffer, start, floats)];
}

export function dot(xByteOffset: number, wByteOffset: number, n: number): number {
  return getKernel().dot(xByteOffset, wByteOffset, n);
}
