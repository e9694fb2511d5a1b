import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { LIVE_TOKENS_PER_KEY, LIVE_TOKENS_TOTAL, TOKEN_MAX_LIFETIME_SECONDS } from '../config/limits.ts';
import { systemClock, type Clock } from '../license/clock.ts';

/**
 * Single-use temporary tokens (spec §1.4). Recognisable by their prefix, so a token sent in the
 * Authorization header (the Python SDK does that) is told apart from an API key.
 *
 * Both stores keep an expiry index beside the tokens (a heap in memory, sorted sets in Redis) and
 * cap the live tokens per issuing key and in all (runtime/config/limits.ts), so issuing and using
 * a token costs the same with ten live tokens or a hundred thousand.
 */
export const TOKEN_PREFIX = 'est_';

export interface TokenGrant {
  maxSessionSeconds: number;
}

export interface TokenCaps {
  perKey: number;
  total: number;
}

export const DEFAULT_TOKEN_CAPS: Readonly<TokenCaps> = Object.freeze({ perKey: LIVE_TOKENS_PER_KEY, total: LIVE_TOKENS_TOTAL });

/** A cap on live tokens was reached; GET /v3/token answers 429 with this message. */
export class TokenLimitError extends Error {
  override name = 'TokenLimitError';
  constructor(
    readonly scope: 'key' | 'total',
    cap: number,
  ) {
    super(`Too many live temporary tokens ${scope === 'key' ? 'for this API key' : 'on this server'} (at most ${cap}); use or let some expire first`);
  }
}

export interface TokenStore {
  /** `issuer`: the API key that asked (its live tokens are capped). Throws TokenLimitError past a cap. */
  issue(expiresInSeconds: number, grant: TokenGrant, issuer?: string): Promise<string>;
  /** Returns the grant and forgets the token (single use), or null if unknown, used or expired. */
  consume(token: string): Promise<TokenGrant | null>;
}

export function isTemporaryToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Stored under a hash of the token (and of the issuing key): a Redis dump hands out neither. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

interface MemoryEntry {
  grant: TokenGrant;
  expiresAt: number;
  issuer: string;
}

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, MemoryEntry>();
  private readonly perIssuer = new Map<string, number>();
  /** Min-heap on expiresAt of [expiresAt, token digest]; used tokens stay in it until they would have expired. */
  private heap: Array<[number, string]> = [];

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly caps: TokenCaps = DEFAULT_TOKEN_CAPS,
  ) {}

  get size(): number {
    return this.tokens.size;
  }

  async issue(expiresInSeconds: number, grant: TokenGrant, issuer = ''): Promise<string> {
    const now = this.clock.now();
    this.expire(now);
    const who = digest(issuer);
    if ((this.perIssuer.get(who) ?? 0) >= this.caps.perKey) throw new TokenLimitError('key', this.caps.perKey);
    if (this.tokens.size >= this.caps.total) throw new TokenLimitError('total', this.caps.total);
    const token = newToken();
    const key = digest(token);
    const expiresAt = now + Math.min(expiresInSeconds, TOKEN_MAX_LIFETIME_SECONDS) * 1000;
    this.tokens.set(key, { grant, expiresAt, issuer: who });
    this.perIssuer.set(who, (this.perIssuer.get(who) ?? 0) + 1);
    this.push([expiresAt, key]);
    return token;
  }

  async consume(token: string): Promise<TokenGrant | null> {
    const key = digest(token);
    const entry = this.tokens.get(key);
    if (!entry) return null;
    this.forget(key, entry);
    // Used tokens leave their heap entry behind; rebuild when those outnumber the live ones.
    if (this.heap.length > 2 * this.tokens.size + 1024) this.rebuild();
    return entry.expiresAt > this.clock.now() ? entry.grant : null;
  }

  private forget(key: string, entry: MemoryEntry): void {
    this.tokens.delete(key);
    const left = (this.perIssuer.get(entry.issuer) ?? 1) - 1;
    if (left > 0) this.perIssuer.set(entry.issuer, left);
    else this.perIssuer.delete(entry.issuer);
  }

  /** Drops the tokens that expired by `now`: only those, from the top of the heap. */
  private expire(now: number): void {
    while (this.heap.length > 0 && this.heap[0]![0] <= now) {
      const [expiresAt, key] = this.pop();
      const entry = this.tokens.get(key);
      if (entry && entry.expiresAt === expiresAt) this.forget(key, entry);
    }
  }

  private rebuild(): void {
    this.heap = [];
    for (const [key, entry] of this.tokens) this.push([entry.expiresAt, key]);
  }

  private push(item: [number, string]): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): [number, string] {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }
}

const ISSUE_LUA = readFileSync(new URL('./lua/token-issue.lua', import.meta.url), 'utf8');

type TokenRedis = Redis & {
  earshotTokenIssue(token: string, all: string, issuer: string, now: number, expiresAt: number, lifetimeMs: number, grant: string, member: string, perKey: number, total: number, indexTtlMs: number): Promise<string>;
};

export class RedisTokenStore implements TokenStore {
  private readonly redis: TokenRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly caps: TokenCaps = DEFAULT_TOKEN_CAPS,
  ) {
    redis.defineCommand('earshotTokenIssue', { numberOfKeys: 3, lua: ISSUE_LUA });
    this.redis = redis as TokenRedis;
  }

  private indexKey(issuer?: string): string {
    return issuer === undefined ? `${this.prefix}token-index` : `${this.prefix}token-index:${issuer}`;
  }

  async issue(expiresInSeconds: number, grant: TokenGrant, issuer = ''): Promise<string> {
    const token = newToken();
    const member = digest(token);
    const who = digest(issuer);
    const now = Date.now();
    const lifetimeMs = Math.min(expiresInSeconds, TOKEN_MAX_LIFETIME_SECONDS) * 1000;
    const stored = JSON.stringify({ ...grant, issuer: who });
    const result = await this.redis.earshotTokenIssue(`${this.prefix}token:${member}`, this.indexKey(), this.indexKey(who), now, now + lifetimeMs, lifetimeMs, stored, member, this.caps.perKey, this.caps.total, TOKEN_MAX_LIFETIME_SECONDS * 1000 + 60_000);
    if (result === 'key') throw new TokenLimitError('key', this.caps.perKey);
    if (result === 'total') throw new TokenLimitError('total', this.caps.total);
    return token;
  }

  async consume(token: string): Promise<TokenGrant | null> {
    const member = digest(token);
    // GETDEL is atomic: two gateways racing on one token cannot both win.
    const raw = await this.redis.getdel(`${this.prefix}token:${member}`);
    if (raw === null) return null;
    const { issuer, ...grant } = JSON.parse(raw) as TokenGrant & { issuer?: string };
    // Free its places in the caps (an entry left by a failure here only lasts until its expiry).
    await this.redis
      .multi()
      .zrem(this.indexKey(), member)
      .zrem(this.indexKey(issuer ?? digest('')), member)
      .exec()
      .catch(() => undefined);
    return grant;
  }
}
