import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { licenceClaimsSchema, termsFromClaims, type LicenceTerms } from './claims.ts';
import { LicenceError } from './errors.ts';
import { LICENCE_ALGORITHMS, type LicenceAlgorithm, type VerificationKey } from './keys.ts';

export const DEFAULT_LICENCE_ISSUER = 'earshot-licensing';
export const DEFAULT_LICENCE_AUDIENCE = 'earshot-self-hosted';

export interface VerifyOptions {
  keys: VerificationKey[];
  issuer?: string;
  audience?: string;
  /** Milliseconds since the epoch; the injectable clock's now(). */
  now: number;
}

/** Verifies a licence JWT and returns its terms, or throws a LicenceError saying why not. */
export async function verifyLicence(jwt: string, options: VerifyOptions): Promise<LicenceTerms> {
  if (options.keys.length === 0) throw new LicenceError('no_keys', 'no licence public keys configured (LICENSE_PUBLIC_KEYS)');
  let alg: string | undefined;
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jwt.trim());
    alg = header.alg;
    kid = header.kid;
  } catch {
    throw new LicenceError('malformed', 'licence is not a JWT');
  }
  // Decide from the header before touching any key: 'none' and HS* never reach a verifier.
  if (!alg || !(LICENCE_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new LicenceError('alg_not_allowed', `licence algorithm ${alg ?? '(none)'} not allowed; expected one of ${LICENCE_ALGORITHMS.join(', ')}`);
  }
  const candidates = options.keys.filter((k) => k.alg === alg && (kid === undefined || k.kid === undefined || k.kid === kid));
  if (candidates.length === 0) throw new LicenceError('bad_signature', `no configured public key for ${alg}${kid ? ` kid ${kid}` : ''}`);

  let lastError: LicenceError = new LicenceError('bad_signature', 'licence signature does not match any configured public key');
  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(jwt.trim(), candidate.key, {
        algorithms: [candidate.alg as LicenceAlgorithm],
        issuer: options.issuer ?? DEFAULT_LICENCE_ISSUER,
        audience: options.audience ?? DEFAULT_LICENCE_AUDIENCE,
        currentDate: new Date(options.now),
        requiredClaims: ['jti'],
      });
      const parsed = licenceClaimsSchema.safeParse(payload);
      if (!parsed.success) throw new LicenceError('invalid_claims', `licence claims invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return termsFromClaims(parsed.data);
    } catch (err) {
      const mapped = mapJoseError(err);
      // Only a signature mismatch is worth trying the next key for; anything else is final.
      if (mapped.code !== 'bad_signature') throw mapped;
      lastError = mapped;
    }
  }
  throw lastError;
}

function mapJoseError(err: unknown): LicenceError {
  if (err instanceof LicenceError) return err;
  if (err instanceof errors.JWTExpired) return new LicenceError('expired', `licence expired (${err.message})`);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return new LicenceError('not_yet_valid', `licence not yet valid (${err.message})`);
    if (err.claim === 'aud') return new LicenceError('wrong_audience', `licence audience mismatch (${err.message})`);
    if (err.claim === 'iss') return new LicenceError('wrong_issuer', `licence issuer mismatch (${err.message})`);
    return new LicenceError('invalid_claims', `licence claim ${err.claim} invalid (${err.message})`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new LicenceError('bad_signature', 'licence signature does not match any configured public key');
  if (err instanceof errors.JOSEAlgNotAllowed) return new LicenceError('alg_not_allowed', err.message);
  return new LicenceError('malformed', `licence could not be verified: ${(err as Error).message}`);
}
