/**
 * The first phase of a v3 session (spec §1): authorize → check parameters → resolve the speech
 * model → admit. What comes out is the admitted session, a plain value the open session is built
 * from; every refusal is a ProtocolError, which the session sends as Error + close before Begin.
 */
import type { AsrPool } from '../../gpu-pool/client/api.ts';
import { turnSilenceOrderProblem, type TurnDetectionOptions } from '../../gpu-pool/session-settings.ts';
import type { SessionLifecycle } from '../../runtime/sessions/lifecycle.ts';
import { CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';
import type { ParseResult, StreamingParams } from './query-params.ts';
import { resolveSpeechModel, type SpeechModelTable } from './speech-models.ts';

/** A session that passed every check and holds an admission slot: it must be billed when it ends. */
export interface AdmittedSession {
  readonly params: StreamingParams;
  /** The speech_model as the client knows it, and the worker label (X-Model-Version) it routes to. */
  readonly speechModel: string;
  readonly modelVersion: string;
  /** Only what the client set; the worker fills in the defaults (gpu-pool/session-settings.ts). */
  readonly turnDetection: Partial<TurnDetectionOptions>;
  readonly maxSessionSeconds: number;
}

export interface HandshakeRequest {
  sessionId: string;
  startedAt: Date;
  params: ParseResult;
  authorization?: string;
}

export interface HandshakeDeps {
  lifecycle: SessionLifecycle;
  pool: Pick<AsrPool, 'serves'>;
  speechModels: SpeechModelTable;
}

/**
 * `client_gone`: the client left during authorization, so nothing was admitted. A client that
 * leaves during admission still comes back `admitted`: the slot is taken and must be billed.
 */
export type HandshakeOutcome = { kind: 'admitted'; session: AdmittedSession } | { kind: 'client_gone' };

export async function runHandshake(request: HandshakeRequest, deps: HandshakeDeps, clientGone: () => boolean): Promise<HandshakeOutcome> {
  const { params: parsed, authorization } = request;
  const token = parsed.ok ? parsed.params.token : undefined;
  const auth = await deps.lifecycle.authorize({ authorization, token });
  if (clientGone()) return { kind: 'client_gone' };
  if (!auth.ok) throw new ProtocolError(auth.code, auth.reason);

  if (!parsed.ok) throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(parsed.message));
  const params = parsed.params;
  const model = resolveSpeechModel(deps.speechModels, params.speechModel, params.language);
  if (!model.ok) throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(model.message));
  if (!deps.pool.serves(model.modelVersion)) {
    // Self-hosted v1.2 rejects an unsupported speech_model at the handshake, as invalid input.
    throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(`speech_model '${model.speechModel}' (${model.modelVersion}) is not supported by this server`));
  }
  const turnDetection = clientTurnDetection(params);
  // Checked here because the worker, which checks the same, would refuse the session only after Begin.
  const orderProblem = turnSilenceOrderProblem(turnDetection);
  if (orderProblem) throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(orderProblem));

  const admission = await deps.lifecycle.admit({
    sessionId: request.sessionId,
    speechModel: model.speechModel,
    billingSubject: auth.billingSubject,
    startedAt: request.startedAt,
  });
  if (!admission.ok) throw new ProtocolError(admission.code, admission.reason);
  return {
    kind: 'admitted',
    session: { params, speechModel: model.speechModel, modelVersion: model.modelVersion, turnDetection, maxSessionSeconds: auth.maxSessionSeconds },
  };
}

function clientTurnDetection(params: StreamingParams): Partial<TurnDetectionOptions> {
  const given: Partial<TurnDetectionOptions> = {
    minTurnSilenceMs: params.minTurnSilenceMs,
    maxTurnSilenceMs: params.maxTurnSilenceMs,
    vadThreshold: params.vadThreshold,
    endOfTurnConfidenceThreshold: params.endOfTurnConfidenceThreshold,
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}
