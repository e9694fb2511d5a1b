import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_TYPES, loadModel } from './load-model.ts';
import { openModelFolder } from './registry.ts';

/** The model registry: each committed fixture folder is claimed by exactly its own entry. */
const testdata = resolve(import.meta.dirname, '../testdata');
const settings = { provider: 'cpu' as const, intraOpThreads: 1 };
const folders: [string, string, 'ctc' | 'transducer' | 'stateful_transducer', string][] = [
  ['tone-ctc-random', 't_one_ctc', 'ctc', 't_one_ctc'],
  ['zipformer2-ctc-random', 'zipformer2_ctc', 'ctc', 'zipformer2_ctc'],
  ['nemo-ctc-random', 'nemo_ctc', 'ctc', 'nemo_ctc'],
  ['zipformer2-random', 'zipformer / zipformer2 transducer', 'transducer', 'zipformer2'],
  ['zipformer-v1-random', 'zipformer / zipformer2 transducer', 'transducer', 'zipformer'],
  ['nemo-transducer-random', 'nemo_transducer', 'stateful_transducer', 'nemo_transducer'],
];

describe('model registry', () => {
  for (const [dir, entry, kind, type] of folders) {
    it(`${dir}: matched by '${entry}' only, loaded as a ${kind} model of type ${type}`, async () => {
      const folder = openModelFolder(join(testdata, dir), settings);
      expect(MODEL_TYPES.filter((e) => e.matches(folder)).map((e) => e.name)).toEqual([entry]);
      const model = await loadModel(join(testdata, dir), settings);
      try {
        expect(model.kind).toBe(kind);
        expect(model.description.type).toBe(type);
      } finally {
        await model.release();
      }
    });
  }

  it('a folder no entry claims: the error names the file, its type and the supported ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-registry-'));
    // The zipformer2 CTC file with a decoder beside it is neither a CTC model nor a transducer (no joiner claims it).
    copyFileSync(join(testdata, 'zipformer2-ctc-random/model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(testdata, 'zipformer2-random/decoder.onnx'), join(dir, 'decoder.onnx'));
    writeFileSync(join(dir, 'tokens.txt'), '<blk> 0\n');
    await expect(loadModel(dir, settings)).rejects.toThrow(/model\.onnx: unsupported model type 'zipformer2' \(supported: t_one_ctc, zipformer2_ctc, nemo_ctc, zipformer/);
  });
});
