import type { LicenceTerms } from './claims.ts';
import type { LicenceStateName } from './state.ts';

/** What the session lifecycle reads: the licence's current state and terms. */
export interface LicenceView {
  state: LicenceStateName;
  lastSuccessfulCheckin: Date | null;
  trustExpiration: Date | null;
  /** Why the licence is Failed (null otherwise). */
  failure: string | null;
  /** Null when the licence itself could not be verified. */
  terms: LicenceTerms | null;
}

/**
 * Where the licence state comes from: a LicenceMonitor in this process (embedded default,
 * licence-proxy role) or a mirror of what the licence proxy published to Redis (gateways).
 */
export interface LicenceSource {
  current(): LicenceView;
  /** Fires once each time the state becomes Failed. */
  onFailed(listener: (view: LicenceView) => void): () => void;
}

/** GET /v1/status body, exactly as spec §7.4 (microsecond ISO timestamps, like the seed). */
export function statusBody(view: LicenceView): { state: LicenceStateName; last_successful_checkin: string | null; trust_expiration: string | null } {
  return {
    state: view.state,
    last_successful_checkin: isoMicros(view.lastSuccessfulCheckin),
    trust_expiration: isoMicros(view.trustExpiration),
  };
}

function isoMicros(d: Date | null): string | null {
  return d === null ? null : d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A fixed licence: for tests and for callers that already know their terms. */
export function staticLicence(terms: LicenceTerms, state: LicenceStateName = 'Connected'): LicenceSource & { set(view: Partial<LicenceView>): void } {
  let view: LicenceView = { state, lastSuccessfulCheckin: null, trustExpiration: null, failure: null, terms };
  const listeners = new Set<(v: LicenceView) => void>();
  return {
    current: () => view,
    onFailed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(patch) {
      const wasFailed = view.state === 'Failed';
      view = { ...view, ...patch };
      if (!wasFailed && view.state === 'Failed') for (const l of listeners) l(view);
    },
  };
}
