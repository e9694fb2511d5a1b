/** One check-in with the licence server: POST {url}/v1/checkin with the licence itself. */
export type CheckinResult = { ok: true } | { ok: false; revoked: boolean; error: string };

export async function checkIn(
  serverUrl: string,
  body: { licence: string; licence_id: string; active_sessions?: number },
  timeoutMs: number,
): Promise<CheckinResult> {
  try {
    const res = await fetch(new URL('/v1/checkin', serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true };
    // 403 is the server's explicit word that this licence is revoked; anything else may be transient.
    return { ok: false, revoked: res.status === 403, error: `licence server answered ${res.status}` };
  } catch (err) {
    return { ok: false, revoked: false, error: (err as Error).message };
  }
}
