/** Why a licence was rejected; each maps to a documented log line and to the Failed state. */
export type LicenceErrorCode =
  | 'missing_file'
  | 'malformed'
  | 'alg_not_allowed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'invalid_claims'
  | 'no_keys'
  | 'revoked';

export class LicenceError extends Error {
  constructor(
    readonly code: LicenceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LicenceError';
  }
}
