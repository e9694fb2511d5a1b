import { createPublicKey, type KeyObject, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LicenceError } from './errors.ts';

/** The only signature algorithms a licence may use: asymmetric, so a public key can never sign. */
export const LICENCE_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type LicenceAlgorithm = (typeof LICENCE_ALGORITHMS)[number];

export interface VerificationKey {
  key: KeyObject;
  /** Derived from the key itself, never from the token, so a token cannot pick how it is checked. */
  alg: LicenceAlgorithm;
  kid?: string;
}

/**
 * Parses LICENSE_PUBLIC_KEYS: inline PEM (one or more blocks), inline JWK / JWKS / JWK array,
 * or a comma-separated list of files holding any of those.
 */
export function loadPublicKeys(spec: string | undefined): VerificationKey[] {
  if (!spec || !spec.trim()) return [];
  const text = spec.trim();
  try {
    if (looksInline(text)) return parseKeyText(text, 'LICENSE_PUBLIC_KEYS');
    return text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .flatMap((path) => parseKeyText(readFileSync(path, 'utf8'), path));
  } catch (err) {
    if (err instanceof LicenceError) throw err;
    // Unreadable file, bad JSON, bad PEM: a configuration problem, reported as such.
    throw new LicenceError('no_keys', `LICENSE_PUBLIC_KEYS unusable: ${(err as Error).message}`);
  }
}

function looksInline(text: string): boolean {
  return text.startsWith('{') || text.startsWith('[') || text.includes('-----BEGIN');
}

export function parseKeyText(text: string, origin: string): VerificationKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = JSON.parse(trimmed) as JsonWebKey | JsonWebKey[] | { keys: JsonWebKey[] };
    const jwks = Array.isArray(json) ? json : 'keys' in json && Array.isArray(json.keys) ? json.keys : [json as JsonWebKey];
    return jwks.map((jwk) => fromKeyObject(importJwk(jwk, origin), typeof jwk.kid === 'string' ? jwk.kid : undefined, origin));
  }
  const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0) throw new LicenceError('no_keys', `no PEM or JWK key found in ${origin}`);
  return blocks.map((pem) => {
    if (/PRIVATE KEY/.test(pem)) {
      // A private key on a customer machine means the key pair leaked; refuse rather than derive.
      throw new LicenceError('no_keys', `${origin} holds a private key; configure the public key only`);
    }
    return fromKeyObject(createPublicKey(pem), undefined, origin);
  });
}

function importJwk(jwk: JsonWebKey, origin: string): KeyObject {
  if (jwk.kty === 'oct') throw new LicenceError('no_keys', `${origin}: symmetric keys cannot verify licences`);
  if (jwk.d !== undefined) throw new LicenceError('no_keys', `${origin} holds a private JWK; configure the public key only`);
  return createPublicKey({ key: jwk, format: 'jwk' });
}

function fromKeyObject(key: KeyObject, kid: string | undefined, origin: string): VerificationKey {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return { key, alg: 'EdDSA', kid };
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, alg: 'ES256', kid };
  if (type === 'rsa') return { key, alg: 'RS256', kid };
  throw new LicenceError('no_keys', `${origin}: unsupported key type ${type ?? 'unknown'} (use Ed25519, P-256 or RSA)`);
}
