import { closeSync, openSync, readSync, fstatSync } from 'node:fs';

/**
 * Reads the `metadata_props` of an ONNX file (ModelProto field 14, repeated
 * StringStringEntryProto{key=1, value=2}) without loading the graph: onnxruntime-node's JS
 * API exposes input/output metadata but not the model's custom metadata, which is where
 * sherpa-onnx-style models keep their type and dimensions.
 *
 * Only top-level fields are walked; the (large) graph field is skipped by seeking past it.
 */
export function readOnnxMetadata(path: string): Record<string, string> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const reader = new FileReader(fd, size);
    const out: Record<string, string> = {};
    let sawField = false;
    while (reader.pos < size) {
      const key = reader.varint();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 0) throw new Error('not an ONNX model (field number 0)');
      sawField = true;
      if (wire === 0) reader.varint();
      else if (wire === 1) reader.skip(8);
      else if (wire === 5) reader.skip(4);
      else if (wire === 2) {
        const len = reader.varint();
        if (reader.pos + len > size) throw new Error('not an ONNX model (truncated field)');
        if (field === 14) {
          const [k, v] = parseEntry(reader.bytes(len));
          out[k] = v;
        } else reader.skip(len);
      } else throw new Error(`not an ONNX model (wire type ${wire})`);
    }
    if (!sawField) throw new Error('not an ONNX model (empty file)');
    return out;
  } finally {
    closeSync(fd);
  }
}

function parseEntry(buf: Uint8Array): [string, string] {
  let pos = 0;
  let key = '';
  let value = '';
  const dec = new TextDecoder();
  while (pos < buf.length) {
    let tag = 0;
    let shift = 0;
    let b: number;
    do {
      b = buf[pos++];
      tag += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    let len = 0;
    shift = 0;
    do {
      b = buf[pos++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    const s = dec.decode(buf.subarray(pos, pos + len));
    pos += len;
    if (tag >>> 3 === 1) key = s;
    else if (tag >>> 3 === 2) value = s;
  }
  return [key, value];
}

/** Buffered forward reader over a file descriptor. */
class FileReader {
  pos = 0;
  private buf = Buffer.alloc(1 << 16);
  private bufStart = 0;
  private bufLen = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.size) throw new Error('not an ONNX model (unexpected end of file)');
    if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) this.fill();
    return this.buf[this.pos++ - this.bufStart];
  }

  private fill(): void {
    this.bufStart = this.pos;
    this.bufLen = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
  }

  varint(): number {
    let v = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
    throw new Error('not an ONNX model (bad varint)');
  }

  skip(n: number): void {
    this.pos += n;
  }

  bytes(n: number): Uint8Array {
    const out = Buffer.alloc(n);
    readSync(this.fd, out, 0, n, this.pos);
    this.pos += n;
    return out;
  }
}
