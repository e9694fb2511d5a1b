import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createChannelGenerations } from './channel-generations.ts';

function fakeClients() {
  const made: Array<{ id: number; closed: boolean }> = [];
  const make = () => {
    const client = { id: made.length, closed: false, close: () => (client.closed = true) };
    made.push(client);
    return client as unknown as grpc.Client;
  };
  return { made, make };
}

describe('channel generations', () => {
  it('gives every session the same channel until the refresh interval has passed', () => {
    const { made, make } = fakeClients();
    let now = 0;
    const channels = createChannelGenerations(make, 1_000, () => now);
    const a = channels.lease();
    now = 999;
    const b = channels.lease();
    expect(b.client).toBe(a.client);
    expect(made).toHaveLength(1);
    now = 1_000;
    expect(channels.lease().client).not.toBe(a.client);
    expect(made).toHaveLength(2);
  });

  it('closes a replaced channel only when its last call has ended', () => {
    const { made, make } = fakeClients();
    let now = 0;
    const channels = createChannelGenerations(make, 100, () => now);
    const first = channels.lease();
    const second = channels.lease();
    now = 100;
    const third = channels.lease(); // a fresh channel; the first one still carries two calls
    expect(made.map((client) => client.closed)).toEqual([false, false]);
    expect(channels.openChannels).toBe(2);
    first.release();
    first.release(); // releasing twice must not count twice
    expect(made[0].closed).toBe(false);
    second.release();
    expect(made[0].closed).toBe(true);
    expect(channels.openChannels).toBe(1);
    third.release(); // the current channel stays open for the next session
    expect(made[1].closed).toBe(false);
  });

  it('closes an idle channel as soon as it is replaced, and everything on close()', () => {
    const { made, make } = fakeClients();
    let now = 0;
    const channels = createChannelGenerations(make, 100, () => now);
    channels.lease().release();
    now = 200;
    const live = channels.lease();
    expect(made[0].closed).toBe(true);
    channels.close();
    expect(made[1].closed).toBe(true);
    live.release();
    expect(channels.openChannels).toBe(0);
  });
});
