import { z } from 'zod';
import { EVALUATION_MAX_SESSIONS } from '../config/limits.ts';

/** How a licence is billed: flat licences report nothing, usage licences report every session. */
export type BillingMode = 'flat' | 'usage';

/** What the rest of Earshot needs to know about a licence, once verified. */
export interface LicenceTerms {
  /** Licence id (`jti`); usage records carry it. */
  id: string;
  licensee: string;
  billing: BillingMode;
  /** Cluster-wide limit on concurrent sessions. */
  maxConcurrentSessions: number;
  /** Speech models the licence covers; `['*']` means all. */
  allowedModels: string[];
  /** Null for a licence without `exp` (perpetual). */
  expiresAt: Date | null;
  evaluation: boolean;
}

/**
 * Claims a licence JWT carries besides the registered ones (iss, aud, exp, nbf, iat, jti, sub).
 * The vendor CLI (scripts/license/sign.ts) writes exactly these.
 */
export const licenceClaimsSchema = z.object({
  jti: z.string().min(1),
  licensee: z.string().min(1),
  billing: z.enum(['flat', 'usage']),
  limits: z.object({
    max_concurrent_sessions: z.number().int().positive(),
    allowed_models: z.array(z.string().min(1)).min(1),
  }),
  exp: z.number().optional(),
});

export type LicenceClaims = z.infer<typeof licenceClaimsSchema>;

export function termsFromClaims(claims: LicenceClaims): LicenceTerms {
  return {
    id: claims.jti,
    licensee: claims.licensee,
    billing: claims.billing,
    maxConcurrentSessions: claims.limits.max_concurrent_sessions,
    allowedModels: claims.limits.allowed_models,
    expiresAt: claims.exp === undefined ? null : new Date(claims.exp * 1000),
    evaluation: false,
  };
}

/** Without any licence Earshot still runs, but small: enough to try it, not to serve production. */
export const EVALUATION_MAX_CONCURRENT_SESSIONS = EVALUATION_MAX_SESSIONS;

/** Evaluation terms: `maxConcurrentSessions` may lower the fixed cap, never raise it. */
export function evaluationTerms(maxConcurrentSessions: number = EVALUATION_MAX_SESSIONS): LicenceTerms {
  return {
    id: 'evaluation',
    licensee: 'evaluation',
    billing: 'flat',
    maxConcurrentSessions: Math.max(0, Math.min(EVALUATION_MAX_SESSIONS, Math.floor(maxConcurrentSessions) || 0)),
    allowedModels: ['*'],
    expiresAt: null,
    evaluation: true,
  };
}

export function modelAllowed(terms: LicenceTerms, model: string): boolean {
  return terms.allowedModels.includes('*') || terms.allowedModels.includes(model);
}
