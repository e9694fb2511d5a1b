/**
 * The session's link to the ASR pool. Opening a worker session can take a while (routing, a
 * worker's admission, model warm-up), and Begin must not wait for it (spec §1.2: the Node SDK
 * gives up after 1 s). So the link opens in the background and queues everything the client sends
 * meanwhile — audio included — and replays it in order once a worker accepted the session.
 */
import { AsrPoolError, type AsrPool, type AsrSession, type AsrSessionEvent, type AsrSessionRequest, type TurnDetectionOptions } from '../../gpu-pool/client/api.ts';

type Operation = (session: AsrSession) => void;

export class AsrLink {
  private session: AsrSession | undefined;
  private failed: AsrPoolError | undefined;
  private cancelled = false;
  private queue: Operation[] = [];
  readonly opened: Promise<AsrSession>;

  constructor(
    pool: AsrPool,
    request: AsrSessionRequest,
    private readonly onEvent: (event: AsrSessionEvent) => void,
  ) {
    this.opened = pool.open(request).then(
      (session) => {
        if (this.cancelled) {
          session.cancel();
          throw new AsrPoolError('INTERNAL', 'session cancelled while opening');
        }
        this.session = session;
        session.on((event) => this.onEvent(event));
        for (const operation of this.queue) operation(session);
        this.queue = [];
        return session;
      },
      (error: unknown) => {
        this.failed = error instanceof AsrPoolError ? error : new AsrPoolError('INTERNAL', (error as Error)?.message ?? String(error));
        this.queue = [];
        if (!this.cancelled) this.onEvent({ kind: 'error', error: this.failed });
        throw this.failed;
      },
    );
    // Failures are reported through onEvent; callers awaiting `opened` handle them there too.
    this.opened.catch(() => undefined);
  }

  private run(operation: Operation): void {
    if (this.cancelled || this.failed) return;
    if (this.session) operation(this.session);
    else this.queue.push(operation);
  }

  sendAudio(audio: Uint8Array): void {
    this.run((session) => session.sendAudio(audio));
  }

  forceEndpoint(): void {
    this.run((session) => session.forceEndpoint());
  }

  updateConfiguration(turnDetection: Partial<TurnDetectionOptions>): void {
    this.run((session) => session.updateConfiguration(turnDetection));
  }

  updateKeyterms(keyterms: string[]): void {
    this.run((session) => session.updateKeyterms(keyterms));
  }

  /** Resolves when the worker decoded everything sent; rejects if the session could not open or failed. */
  async finish(): Promise<{ audioMs: number }> {
    const session = await this.opened;
    return session.finish();
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.queue = [];
    this.session?.cancel();
  }
}
