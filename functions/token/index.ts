import { Hono } from 'hono';
import { apiKeyAllowed } from '../../runtime/sessions/api-keys.ts';
import { isTemporaryToken, type TokenStore } from '../../runtime/sessions/tokens.ts';

/**
 * GET /v3/token?expires_in_seconds=N[&max_session_duration_seconds=M] (spec §1.4).
 * Authorization: an API key (not a temporary token: tokens cannot mint tokens).
 * 200 {"token","expires_in_seconds"}; 400/401 {"error"}.
 */
export interface TokenRouteOptions {
  tokens: TokenStore;
  /** Allow-list; empty = any non-empty key (the self-hosted default). */
  apiKeys: string[];
  /** Upper bound for max_session_duration_seconds (3 h by default). */
  maxSessionSeconds?: number;
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

    const expires = intParam(c.req.query('expires_in_seconds'));
    if (expires === undefined) return c.json({ error: 'expires_in_seconds is required' }, 400);
    if (expires === 'invalid' || expires < 1 || expires > 600) return c.json({ error: 'expires_in_seconds must be an integer between 1 and 600' }, 400);
    const maxSession = intParam(c.req.query('max_session_duration_seconds'));
    if (maxSession === 'invalid' || (maxSession !== undefined && (maxSession < 60 || maxSession > 10800))) {
      return c.json({ error: 'max_session_duration_seconds must be an integer between 60 and 10800' }, 400);
    }
    try {
      const token = await options.tokens.issue(expires, { maxSessionSeconds: Math.min(maxSession ?? 10800, ceiling) });
      return c.json({ token, expires_in_seconds: expires });
    } catch {
      return c.json({ error: 'could not issue a token' }, 500);
    }
  });
  return app;
}
