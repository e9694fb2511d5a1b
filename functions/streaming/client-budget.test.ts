import { describe, expect, it } from 'vitest';
import { ClientBudgets } from './client-budget.ts';

describe('per-client audio budget across sessions', () => {
  it('a client bursting just under the allowance, hanging up and reconnecting is refused with 3007', () => {
    let now = 0;
    const budgets = new ClientBudgets(60_000, () => now);
    // The probe's attack: 59 s at once, hang up, reconnect, again. Before, each new session had a fresh 60 s.
    const first = budgets.open('203.0.113.7');
    first.add(59_000);
    first.release();
    now += 1000;
    const second = budgets.open('203.0.113.7');
    second.add(1000); // 59 - 1 + 1 = 59 s ahead: still within
    expect(() => second.add(1500)).toThrow(expect.objectContaining({ code: 3007, message: "Audio Transmission Rate Exceeded: this client's sessions are 60.5 s of audio ahead of real time (at most 60 s together)" }));
    // Another client is not affected.
    expect(() => budgets.open('198.51.100.1').add(59_000)).not.toThrow();
  });

  it('any number of real-time sessions never touch it; the allowance comes back at real time', () => {
    let now = 0;
    const budgets = new ClientBudgets(60_000, () => now);
    const sessions = Array.from({ length: 20 }, () => budgets.open('10.0.0.1'));
    for (let second = 0; second < 600; second++) {
      now += 1000;
      for (const s of sessions) s.add(1000); // each at real time: 20 s of audio per wall second
    }
    now += 1000; // the last second's frames played out
    for (const s of sessions) s.release();
    const burst = budgets.open('10.0.0.1');
    burst.add(60_000); // the whole allowance is still there
    burst.release();
    now += 30_000;
    const later = budgets.open('10.0.0.1');
    later.add(30_000); // half drained in 30 s
    expect(() => later.add(1000)).toThrow(expect.objectContaining({ code: 3007 }));
    later.release();
    now += 120_000;
    budgets.open('other').release();
    expect(budgets.size).toBeLessThanOrEqual(1); // drained clients are forgotten
  });
});
