import { loadModel } from '../models/load-model.ts';
import type { AcousticModel } from '../models/model.ts';
import type { SessionSettings } from '../models/session.ts';
import { CtcRecognizer } from './ctc-recognizer.ts';
import type { Recognizer } from './recognizer.ts';
import { StatefulTransducerRecognizer } from './stateful-transducer-recognizer.ts';
import { TransducerRecognizer } from './transducer-recognizer.ts';

/** The recognizer of a model's family: CTC networks get the CTC searches, each transducer kind its own. */
export function recognizerFor(model: AcousticModel, settings: SessionSettings): Recognizer {
  switch (model.kind) {
    case 'ctc':
      return new CtcRecognizer(model, settings) as Recognizer;
    case 'transducer':
      return new TransducerRecognizer(model, settings) as Recognizer;
    case 'stateful_transducer':
      return new StatefulTransducerRecognizer(model, settings) as Recognizer;
  }
}

/** Opens a model folder (models/registry.ts) and wraps it in its recognizer. */
export async function loadRecognizer(dir: string, settings: SessionSettings): Promise<Recognizer> {
  const model = await loadModel(dir, settings);
  try {
    return recognizerFor(model, settings);
  } catch (err) {
    await model.release();
    throw err;
  }
}
