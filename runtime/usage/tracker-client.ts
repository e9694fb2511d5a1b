import type { UsageRecord } from './record.ts';

/** HTTP client for the usage tracker (the reference one in functions/reference, or the vendor's). */
export class TrackerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Announces this reporter; throws if the tracker refuses or cannot be reached. */
  async register(reporter: { id: string; licenceId?: string }): Promise<void> {
    await this.post('/v1/register', { reporter_id: reporter.id, licence_id: reporter.licenceId });
  }

  /** Delivers a batch; the tracker dedupes by session_id, so resending is always safe. */
  async send(records: UsageRecord[]): Promise<{ accepted: number; duplicates: number }> {
    return (await this.post('/v1/usage', { records })) as { accepted: number; duplicates: number };
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.apiKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`tracker ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : {};
  }
}
