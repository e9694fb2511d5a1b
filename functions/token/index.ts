import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { apiKeyAllowed } from '../../runtime/sessions/api-keys.ts';
import { isTemporaryToken, TokenLimitError, type TokenStore } from '../../runtime/sessions/tokens.ts';

/**
 * GET /v3/token?expires_in_seconds=N[&max_session_duration_seconds=M] (spec §1.4).
 * Authorization: an API key (not a temporary token: tokens cannot mint tokens).
 * 200 {"token","expires_in_seconds"}; 400/401/403/429 {"error"}.
 *
 * Without an allow-list (EARSHOT_API_KEYS unset) any non-empty key would do, so anyone who can
 * reach the port could fill the token store: then only loopback clients may mint (the embedded
 * playground, a process on the same host), others get 403. Live tokens are capped per API key and
 * in all (runtime/config/limits.ts): 429.
 */
export interface TokenRouteOptions {
  tokens: TokenStore;
  /** Allow-list; empty = any non-empty key (the self-hosted default). */
  apiKeys: string[];
  /** Upper bound for max_session_duration_seconds (3 h by default). */
  maxSessionSeconds?: number;
}

/** The client's address, or undefined when there is no socket (app.request in tests). */
function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function intParam(raw: string | undefined): number | undefined | 'invalid' {
  if (raw === undefined || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : 'invalid';
}

export function createTokenRoute(options: TokenRouteOptions): Hono {
  const ceiling = options.maxSessionSeconds ?? 10800;
  const app = new Hono();
  app.get('/v3/token', async (c) => {
    const key = c.req.header('authorization')?.trim();
    if (!key) return c.json({ error: 'Missing Authorization header' }, 401);
    if (isTemporaryToken(key) || !apiKeyAllowed(options.apiKeys, key)) return c.json({ error: 'Invalid API key' }, 401);
    if (options.apiKeys.length === 0 && !isLoopback(clientAddress(c))) {
      return c.json({ error: 'Temporary tokens are issued to other hosts only with an API key allow-list (EARSHOT_API_KEYS)' }, 403);
    }

    const expires = intParam(c.req.query('expires_in_seconds'));
    if (expires === undefined) return c.json({ error: 'expires_in_seconds is required' }, 400);
    if (expires === 'invalid' || expires < 1 || expires > 600) return c.json({ error: 'expires_in_seconds must be an integer between 1 and 600' }, 400);
    const maxSession = intParam(c.req.query('max_session_duration_seconds'));
    if (maxSession === 'invalid' || (maxSession !== undefined && (maxSession < 60 || maxSession > 10800))) {
      return c.json({ error: 'max_session_duration_seconds must be an integer between 60 and 10800' }, 400);
    }
    try {
      const token = await options.tokens.issue(expires, { maxSessionSeconds: Math.min(maxSession ?? 10800, ceiling) }, key);
      return c.json({ token, expires_in_seconds: expires });
    } catch (error) {
      if (error instanceof TokenLimitError) return c.json({ error: error.message }, 429);
      return c.json({ error: 'could not issue a token' }, 500);
    }
  });
  return app;
}
