import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * API key allow-list check. Empty list = any non-empty key (the self-hosted default, spec §1.4).
 * Compares digests in constant time so response timing does not leak key prefixes.
 */
export function apiKeyAllowed(allowList: readonly string[], candidate: string): boolean {
  if (!candidate) return false;
  if (allowList.length === 0) return true;
  const digest = createHash('sha256').update(candidate).digest();
  let match = false;
  for (const key of allowList) match = timingSafeEqual(digest, createHash('sha256').update(key).digest()) || match;
  return match;
}
