import { nemoCtcEntry } from './nemo-ctc.ts';
import { nemoTransducerEntry } from './nemo-transducer.ts';
import { loadFromRegistry, type ModelEntry } from './registry.ts';
import { toneCtcEntry } from './tone-ctc.ts';
import { zipformer2CtcEntry } from './zipformer2-ctc.ts';
import { zipformerTransducerEntry } from './zipformer-transducer.ts';
import type { AcousticModel } from './model.ts';
import type { SessionSettings } from './session.ts';

/** Every model format the engine reads, tried in this order (models/registry.ts). */
export const MODEL_TYPES: readonly ModelEntry[] = [toneCtcEntry, zipformer2CtcEntry, nemoCtcEntry, zipformerTransducerEntry, nemoTransducerEntry];

/**
 * Opens a model folder with the registry entry that matches its files and metadata. Every
 * failure is a ModelFormatError that names the folder and the problem.
 */
export function loadModel(dir: string, settings: SessionSettings): Promise<AcousticModel> {
  return loadFromRegistry(MODEL_TYPES, dir, settings);
}
