import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { ToneCtcModel } from './tone-ctc.ts';
import { ZipformerTransducerModel } from './zipformer-transducer.ts';
import { ModelFormatError } from '../errors.ts';
import type { StreamingModel } from './model.ts';
import type { SessionSettings } from './session.ts';

/**
 * Opens a model folder, choosing the implementation from the files present and each ONNX
 * file's metadata. Every failure is a ModelFormatError that names the folder and the problem.
 */
export async function loadModel(dir: string, settings: SessionSettings): Promise<StreamingModel> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelFormatError(`model folder ${dir} does not exist`);
  const files = readdirSync(dir);
  const single = join(dir, settings.preferInt8 && existsSync(join(dir, 'model.int8.onnx')) ? 'model.int8.onnx' : 'model.onnx');
  if (existsSync(single)) {
    const meta = readMetadata(single);
    if (ToneCtcModel.matches(meta)) return ToneCtcModel.load(dir, settings, single) as Promise<StreamingModel>;
    throw new ModelFormatError(`${single}: unsupported model type '${meta.model_type ?? '(none in metadata)'}'`);
  }
  const encoder = files.find((f) => /^encoder.*\.onnx$/.test(f));
  if (encoder) {
    const meta = readMetadata(join(dir, encoder));
    if (ZipformerTransducerModel.matches(meta)) return ZipformerTransducerModel.load(dir, files, settings) as Promise<StreamingModel>;
    throw new ModelFormatError(`${join(dir, encoder)}: unsupported model type '${meta.model_type ?? '(none in metadata)'}'`);
  }
  throw new ModelFormatError(`${dir}: no model.onnx (T-one CTC) or encoder/decoder/joiner .onnx (transducer) found`);
}

function readMetadata(path: string): Record<string, string> {
  try {
    return readOnnxMetadata(path);
  } catch (err) {
    throw new ModelFormatError(`${path}: ${(err as Error).message}`);
  }
}
