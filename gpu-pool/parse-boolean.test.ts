import { describe, expect, it } from 'vitest';
import { parseBoolean } from './parse-boolean.ts';

describe('parseBoolean', () => {
  it('reads true, 1, yes, on and false, 0, no, off in any case, spaces ignored', () => {
    for (const raw of ['true', 'True', 'TRUE', '1', 'yes', 'on', ' true ']) expect(parseBoolean(raw)).toBe(true);
    for (const raw of ['false', 'False', '0', 'no', 'OFF', ' no\n']) expect(parseBoolean(raw)).toBe(false);
  });

  it('leaves anything else to the caller', () => {
    for (const raw of ['', ' ', 'maybe', '2', 'truee', 'y', 'n', 't']) expect(parseBoolean(raw)).toBeUndefined();
  });
});
