/**
 * The gateway's channels to one worker address, renewed every `refreshMs`: new sessions go to the
 * newest channel, whose DNS resolution is fresh, so workers scaled up since are used; an older
 * channel is closed only once its last call has ended. Closing a channel (or the worker sending
 * GOAWAY) under live calls would fail them (gpu-pool/grpc/channel-settings.ts, rules 1 and 2).
 */
import type * as grpc from '@grpc/grpc-js';

export interface ChannelLease {
  readonly client: grpc.Client;
  /** Call once when the call made on `client` has ended (its status arrived). */
  release(): void;
}

export interface ChannelGenerations {
  lease(): ChannelLease;
  /** Channels still open: the current one and any older one with live calls. */
  readonly openChannels: number;
  close(): void;
}

interface Generation {
  client: grpc.Client;
  createdAt: number;
  liveCalls: number;
  retired: boolean;
}

export function createChannelGenerations(
  makeClient: () => grpc.Client,
  refreshMs: number,
  now: () => number = Date.now,
): ChannelGenerations {
  const open = new Set<Generation>();
  let current: Generation | undefined;

  function closeIfDone(generation: Generation): void {
    if (generation.retired && generation.liveCalls === 0 && open.delete(generation)) generation.client.close();
  }

  function fresh(): Generation {
    if (current && now() - current.createdAt < refreshMs) return current;
    if (current) {
      current.retired = true;
      closeIfDone(current);
    }
    current = { client: makeClient(), createdAt: now(), liveCalls: 0, retired: false };
    open.add(current);
    return current;
  }

  return {
    lease() {
      const generation = fresh();
      generation.liveCalls += 1;
      let released = false;
      return {
        client: generation.client,
        release() {
          if (released) return;
          released = true;
          generation.liveCalls -= 1;
          closeIfDone(generation);
        },
      };
    },
    get openChannels() {
      return open.size;
    },
    close() {
      for (const generation of open) generation.client.close();
      open.clear();
      current = undefined;
    },
  };
}
