import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEFAULT_LICENCE_AUDIENCE, DEFAULT_LICENCE_ISSUER } from '../../runtime/license/verify.ts';

/** Vendor side: the key pair that signs licences. The private key never leaves the vendor. */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export function generateLicenceKeyPair(alg: SigningAlgorithm = 'EdDSA'): { privatePem: string; publicPem: string } {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 3072 });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface LicenceToSign {
  id: string;
  licensee: string;
  billing: 'flat' | 'usage';
  maxConcurrentSessions: number;
  allowedModels: string[];
  /** Seconds since the epoch. */
  notBefore?: number;
  expiresAt?: number;
  issuer?: string;
  audience?: string;
  kid?: string;
}

function algFor(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec') return 'ES256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType}`);
}

export async function signLicence(privatePem: string, licence: LicenceToSign): Promise<string> {
  const key = createPrivateKey(privatePem);
  const alg = algFor(key);
  const jwt = new SignJWT({
    licensee: licence.licensee,
    billing: licence.billing,
    limits: { max_concurrent_sessions: licence.maxConcurrentSessions, allowed_models: licence.allowedModels },
  })
    .setProtectedHeader({ alg, typ: 'JWT', ...(licence.kid ? { kid: licence.kid } : {}) })
    .setJti(licence.id)
    .setSubject(licence.licensee)
    .setIssuer(licence.issuer ?? DEFAULT_LICENCE_ISSUER)
    .setAudience(licence.audience ?? DEFAULT_LICENCE_AUDIENCE)
    .setIssuedAt(licence.notBefore)
    .setNotBefore(licence.notBefore ?? Math.floor(Date.now() / 1000));
  if (licence.expiresAt !== undefined) jwt.setExpirationTime(licence.expiresAt);
  return jwt.sign(key);
}
