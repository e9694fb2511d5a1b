/** Licence verification and state: the public surface of runtime/license. */
export { evaluationTerms, modelAllowed, EVALUATION_MAX_CONCURRENT_SESSIONS, type BillingMode, type LicenceTerms } from './claims.ts';
export { manualClock, systemClock, type Clock } from './clock.ts';
export { LicenceError, type LicenceErrorCode } from './errors.ts';
export { loadPublicKeys, LICENCE_ALGORITHMS, type VerificationKey } from './keys.ts';
export { LicenceMonitor, type LicenceMonitorOptions } from './monitor.ts';
export { licenceKey, mirrorLicence, publishLicence, type RedisLicenceMirror } from './redis-mirror.ts';
export { staticLicence, statusBody, type LicenceSource, type LicenceView } from './source.ts';
export { LicenceStateMachine, type LicenceStateName } from './state.ts';
export { DEFAULT_LICENCE_AUDIENCE, DEFAULT_LICENCE_ISSUER, verifyLicence } from './verify.ts';
