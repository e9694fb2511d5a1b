import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../license/clock.ts';

/**
 * Single-use temporary tokens (spec §1.4). Recognisable by their prefix, so a token sent in the
 * Authorization header (the Python SDK does that) is told apart from an API key.
 */
export const TOKEN_PREFIX = 'est_';

export interface TokenGrant {
  maxSessionSeconds: number;
}

export interface TokenStore {
  issue(expiresInSeconds: number, grant: TokenGrant): Promise<string>;
  /** Returns the grant and forgets the token (single use), or null if unknown, used or expired. */
  consume(token: string): Promise<TokenGrant | null>;
}

export function isTemporaryToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Stored under a hash of the token: a Redis dump does not hand out usable tokens. */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, { grant: TokenGrant; expiresAt: number }>();
  constructor(private readonly clock: Clock = systemClock) {}

  async issue(expiresInSeconds: number, grant: TokenGrant): Promise<string> {
    const now = this.clock.now();
    for (const [k, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(k);
    const token = newToken();
    this.tokens.set(digest(token), { grant, expiresAt: now + expiresInSeconds * 1000 });
    return token;
  }

  async consume(token: string): Promise<TokenGrant | null> {
    const key = digest(token);
    const entry = this.tokens.get(key);
    this.tokens.delete(key);
    return entry && entry.expiresAt > this.clock.now() ? entry.grant : null;
  }
}

export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async issue(expiresInSeconds: number, grant: TokenGrant): Promise<string> {
    const token = newToken();
    await this.redis.set(`${this.prefix}token:${digest(token)}`, JSON.stringify(grant), 'EX', expiresInSeconds);
    return token;
  }

  async consume(token: string): Promise<TokenGrant | null> {
    // GETDEL is atomic: two gateways racing on one token cannot both win.
    const raw = await this.redis.getdel(`${this.prefix}token:${digest(token)}`);
    return raw === null ? null : (JSON.parse(raw) as TokenGrant);
  }
}
