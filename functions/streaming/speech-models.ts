/**
 * speech_model (or the legacy `language`) → the X-Model-Version label the ASR pool routes on
 * (spec §7.3). The table comes from config (SPEECH_MODEL_ROUTES), so a deployment that adds a
 * model version does not need a code change.
 */

export type SpeechModelTable = ReadonlyMap<string, string>;

/** Every speech_model the SDKs know (spec §1.3), with the label its ASR service is deployed under. */
export const DEFAULT_SPEECH_MODELS: Readonly<Record<string, string>> = {
  'universal-streaming-english': 'en-default',
  'universal-streaming-multilingual': 'ml-default',
  'u3-rt-pro': 'u3-pro',
  'u3-rt-pro-beta-1': 'u3-pro',
  'u3-pro': 'u3-pro',
  'universal-3-5-pro': 'universal-3-5-pro',
  'universal-3-6': 'universal-3-6',
  // Self-hosted v1.2: the same parameters as universal-3-5-pro, served by the u3-pro workers.
  'universal-3-6-pro': 'u3-pro',
  'whisper-rt': 'whisper-rt',
};

/**
 * Speech models of the Pro family: punctuation-based turns (spec §5.2), and final Turns that carry
 * `silence_before_eot_ms` and `turn_end_reason` (self-hosted v1.2). Decided by the name the client
 * asked for, not by the label, so a deployment that routes a Pro name to another worker still
 * speaks the Pro dialect.
 */
const PRO_MODELS = new Set(['u3-rt-pro', 'u3-rt-pro-beta-1', 'u3-pro', 'universal-3-5-pro', 'universal-3-6-pro']);

export type ModelFamily = 'universal' | 'pro';

export function modelFamily(speechModel: string): ModelFamily {
  return PRO_MODELS.has(speechModel) ? 'pro' : 'universal';
}

/** The model a client gets when it names none (self-hosted: English, like the seed's nginx default). */
export const DEFAULT_SPEECH_MODEL = 'universal-streaming-english';

export function speechModelTable(overrides: Record<string, string> = {}): SpeechModelTable {
  return new Map(Object.entries({ ...DEFAULT_SPEECH_MODELS, ...overrides }));
}

/** `name=label,name=label` (SPEECH_MODEL_ROUTES) → overrides for speechModelTable. */
export function parseSpeechModelRoutes(text: string): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, label] = entry.split('=').map((part) => part?.trim());
    if (!name || !label) throw new Error(`SPEECH_MODEL_ROUTES entry '${entry}' must look like speech_model=label`);
    routes[name] = label;
  }
  return routes;
}

export type ResolvedModel = { ok: true; speechModel: string; modelVersion: string } | { ok: false; message: string };

export function resolveSpeechModel(table: SpeechModelTable, speechModel: string | undefined, language: string | undefined): ResolvedModel {
  if (speechModel === undefined) {
    // Self-hosted ≤ v0.4 routed on `language`: en (or absent) → English, anything else → multilingual.
    const name = language === undefined || language.toLowerCase() === 'en' ? DEFAULT_SPEECH_MODEL : 'universal-streaming-multilingual';
    const modelVersion = table.get(name);
    if (modelVersion) return { ok: true, speechModel: name, modelVersion };
  }
  const name = (speechModel ?? DEFAULT_SPEECH_MODEL).toLowerCase();
  const modelVersion = table.get(name);
  if (!modelVersion) {
    return { ok: false, message: `speech_model '${speechModel}' is not a known model; expected one of ${[...table.keys()].join(', ')}` };
  }
  return { ok: true, speechModel: name, modelVersion };
}
