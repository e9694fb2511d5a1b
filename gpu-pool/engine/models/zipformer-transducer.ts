import { ModelFormatError, type StreamingModel } from './model.ts';
import type { SessionSettings } from './session.ts';

/** Placeholder until the transducer lands: recognises the type, refuses to load it. */
export class ZipformerTransducerModel {
  static matches(meta: Record<string, string>): boolean {
    return meta.model_type === 'zipformer2' || meta.model_type === 'zipformer';
  }

  static async load(dir: string, _files: string[], _settings: SessionSettings): Promise<StreamingModel> {
    throw new ModelFormatError(`${dir}: zipformer transducers are not supported yet`);
  }
}
