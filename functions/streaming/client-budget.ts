/**
 * The audio budget of one client across its sessions (runtime/config/limits.ts
 * CLIENT_AUDIO_BURST_SECONDS): how far the audio of all its sessions together has run ahead of
 * real time. A leaky bucket per client address: every frame adds its duration, and the level
 * drains at real time for each open session of that client (at real time while it has none), so
 * real-time sessions stay at zero however many there are, and a client that bursts, hangs up and
 * reconnects finds its bucket where it left it. Per gateway process: N gateways behind a balancer
 * give a client up to N allowances.
 */
import { clientRateText } from '../../runtime/config/limits.ts';
import { CloseCode, ProtocolError } from './protocol-errors.ts';

interface Bucket {
  levelMs: number;
  sessions: number;
  at: number;
}

export interface ClientAudioBudget {
  /** Counts a frame; throws ProtocolError 3007 once the client's sessions are too far ahead. */
  add(durationMs: number): void;
  /** The session ended (once; later calls do nothing). */
  release(): void;
}

export class ClientBudgets {
  private readonly buckets = new Map<string, Bucket>();
  private releases = 0;

  constructor(
    private readonly burstMs: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  /** Buckets kept (clients with open sessions or a level still draining). */
  get size(): number {
    return this.buckets.size;
  }

  open(client: string): ClientAudioBudget {
    const bucket = this.drain(client);
    bucket.sessions += 1;
    let released = false;
    return {
      add: (durationMs) => {
        const b = this.drain(client);
        b.levelMs += durationMs;
        if (b.levelMs > this.burstMs) {
          const ahead = b.levelMs;
          b.levelMs = this.burstMs; // the refused frame does not count against the next session
          throw new ProtocolError(CloseCode.audioViolation, clientRateText(ahead / 1000, this.burstMs / 1000));
        }
      },
      release: () => {
        if (released) return;
        released = true;
        const b = this.drain(client);
        b.sessions -= 1;
        if (b.sessions === 0 && b.levelMs === 0) this.buckets.delete(client);
        if (++this.releases % 1000 === 0) this.sweep();
      },
    };
  }

  /** The bucket of `client` brought up to now. */
  private drain(client: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = { levelMs: 0, sessions: 0, at: now };
      this.buckets.set(client, bucket);
    }
    bucket.levelMs = Math.max(0, bucket.levelMs - (now - bucket.at) * Math.max(1, bucket.sessions));
    bucket.at = now;
    return bucket;
  }

  /** Forgets clients with no session whose bucket has drained: the map holds live clients only. */
  private sweep(): void {
    const now = this.now();
    for (const [client, bucket] of this.buckets) {
      if (bucket.sessions === 0 && bucket.levelMs - (now - bucket.at) <= 0) this.buckets.delete(client);
    }
  }
}
