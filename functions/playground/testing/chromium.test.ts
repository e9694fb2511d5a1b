import { describe, expect, it } from 'vitest';
import { chromiumForTests } from './chromium.ts';

describe('chromiumForTests', () => {
  const missing = ['/nonexistent/chromium'];

  it('finds the browser, or CHROMIUM_PATH when set', () => {
    expect(chromiumForTests({ env: {}, candidates: ['/nonexistent/a', process.execPath] })).toBe(process.execPath);
    expect(chromiumForTests({ env: { CHROMIUM_PATH: process.execPath }, candidates: missing })).toBe(process.execPath);
  });

  it('without it: one skip line outside CI, an error under CI=true', () => {
    const lines: string[] = [];
    expect(chromiumForTests({ env: {}, candidates: missing, log: (line) => lines.push(line) })).toBeNull();
    expect(lines).toEqual(['skipped: the playground browser test: no Chromium at /nonexistent/chromium (apt-get install chromium, or set CHROMIUM_PATH)']);
    expect(() => chromiumForTests({ env: { CI: 'true' }, candidates: missing, log: () => undefined })).toThrow(/CI=true makes this an error/);
  });
});
