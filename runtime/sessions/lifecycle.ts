/**
 * What the gateway asks of the business layer (licence, limits, tokens, usage) for each session.
 * The embedded default implements it in memory; a scaled-out deployment over Redis + BullMQ.
 * The gateway never talks to Redis, the licence or the usage queue directly.
 */

export interface ConnectionCredentials {
  /** Value of the Authorization header, if any (an API key or a temporary token). */
  authorization?: string;
  /** `token` query parameter, if any. */
  token?: string;
}

export type Refusal = {
  ok: false;
  /** Protocol close code: 1008 unauthorised, 3009 too many concurrent sessions, 3005 server error. */
  code: 1008 | 3005 | 3009;
  reason: string;
};

export type Authorization =
  | {
      ok: true;
      /** Maximum session length in seconds (3 h, or a temporary token's max_session_duration_seconds). */
      maxSessionSeconds: number;
      /** Licence subject or API key label that usage is billed to. */
      billingSubject: string;
    }
  | Refusal;

export interface SessionStart {
  sessionId: string;
  speechModel: string;
  billingSubject: string;
  startedAt: Date;
}

export type Admission = { ok: true } | Refusal;

export interface SessionEnd {
  sessionId: string;
  /** Seconds of audio received from the client. */
  audioSeconds: number;
  endedAt: Date;
  /** Why the session ended: 'terminated', 'error:<code>', 'client_gone', 'expired', 'licence_failed', ... */
  reason: string;
}

/** Live sessions are ended by this policy when the licence fails. */
export interface LicenceFailure {
  code: 1008 | 3005;
  reason: string;
}

export interface SessionLifecycle {
  /** Checks credentials (header or token; a temporary token is consumed here, single use). */
  authorize(credentials: ConnectionCredentials): Promise<Authorization>;
  /** Registers a live session if the licence allows it and the cluster-wide limit is not reached. */
  admit(session: SessionStart): Promise<Admission>;
  /** Releases the session and records exactly one usage record for it. Idempotent per sessionId. */
  end(session: SessionEnd): Promise<void>;
  /** Called when the licence fails; the gateway ends live sessions with the given code. */
  onLicenceFailed(listener: (failure: LicenceFailure) => void): () => void;
  /**
   * Optional: audio seconds received so far for a live session. Carried by the next heartbeat,
   * so a session whose gateway dies is billed up to its last report. Cheap (no I/O); call it as
   * often as convenient, e.g. per audio frame or once a second.
   */
  progress?(sessionId: string, audioSeconds: number): void;
}
