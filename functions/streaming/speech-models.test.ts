import { describe, expect, it } from 'vitest';
import { parseSpeechModelRoutes, resolveSpeechModel, speechModelTable } from './speech-models.ts';

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
