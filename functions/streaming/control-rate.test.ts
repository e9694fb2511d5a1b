import { describe, expect, it } from 'vitest';
import { ControlMessageRate } from './control-rate.ts';
import { ProtocolError } from './protocol-errors.ts';

describe('control-message rate', () => {
  it('allows a burst, then refills at the steady rate, then refuses with 3007', () => {
    let now = 0;
    const rate = new ControlMessageRate(3, 2, () => now);
    for (let i = 0; i < 3; i += 1) rate.take();
    now = 500; // half a second at 2 per second: one more
    rate.take();
    let refused: unknown;
    try {
      rate.take();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ProtocolError);
    expect(refused).toMatchObject({
      code: 3007,
      message: 'Message Rate Exceeded: Received 5 control messages in 0.5 sec (at most 2 per second)',
    });
  });

  it('never refuses a client that stays at the steady rate, however long', () => {
    let now = 0;
    const rate = new ControlMessageRate(1, 20, () => now);
    for (let i = 0; i < 10_000; i += 1) {
      rate.take();
      now += 50;
    }
  });
});
