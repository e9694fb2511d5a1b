import { describe, expect, it } from 'vitest';
import { structuredLogging } from './logger.ts';

describe('USE_STRUCTURED_LOGGING', () => {
  it('is read by the one boolean parser: off, no, 0 and false in any case turn structured logs off', () => {
    for (const value of ['false', 'False', '0', 'no', 'off', 'OFF', ' false ']) expect(structuredLogging(value), value).toBe(false);
    for (const value of ['true', 'True', '1', 'yes', 'on']) expect(structuredLogging(value), value).toBe(true);
  });

  it('unset or unreadable keeps the structured default', () => {
    for (const value of [undefined, '', 'maybe']) expect(structuredLogging(value), String(value)).toBe(true);
  });
});
