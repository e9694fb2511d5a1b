import { describe, expect, it } from 'vitest';
import { modelFamily, parseSpeechModelRoutes, resolveSpeechModel, speechModelTable } from './speech-models.ts';

const table = speechModelTable();
const label = (speechModel?: string, language?: string) => {
  const resolved = resolveSpeechModel(table, speechModel, language);
  return resolved.ok ? resolved.modelVersion : `error: ${resolved.message}`;
};

describe('resolveSpeechModel', () => {
  it('maps speech_model names to X-Model-Version labels', () => {
    expect(label()).toBe('en-default');
    expect(label('universal-streaming-english')).toBe('en-default');
    expect(label('universal-streaming-multilingual')).toBe('ml-default');
    expect(label('u3-rt-pro')).toBe('u3-pro');
    expect(label('u3-pro')).toBe('u3-pro');
    expect(label('universal-3-5-pro')).toBe('universal-3-5-pro');
    // Self-hosted v1.2: universal-3-6-pro goes where u3-pro goes.
    expect(label('universal-3-6-pro')).toBe('u3-pro');
    expect(label('UNIVERSAL-3-6-PRO')).toBe('u3-pro');
  });

  it('tells the Pro family (extra final-Turn fields) from the Universal models', () => {
    for (const name of ['u3-rt-pro', 'u3-pro', 'universal-3-5-pro', 'universal-3-6-pro']) expect(modelFamily(name)).toBe('pro');
    for (const name of ['universal-streaming-english', 'universal-streaming-multilingual', 'whisper-rt']) expect(modelFamily(name)).toBe('universal');
  });

  it('routes the legacy language parameter when speech_model is absent', () => {
    expect(label(undefined, 'en')).toBe('en-default');
    expect(label(undefined, 'multi')).toBe('ml-default');
    expect(label('universal-streaming-english', 'multi')).toBe('en-default');
  });

  it('refuses unknown names, and takes overrides from config', () => {
    expect(label('nope')).toMatch(/^error: speech_model 'nope' is not a known model/);
    const custom = speechModelTable(parseSpeechModelRoutes('my-model=en-default, u3-rt-pro=en-default'));
    expect(resolveSpeechModel(custom, 'my-model', undefined)).toMatchObject({ ok: true, modelVersion: 'en-default' });
    expect(resolveSpeechModel(custom, 'u3-rt-pro', undefined)).toMatchObject({ ok: true, modelVersion: 'en-default' });
  });
});
