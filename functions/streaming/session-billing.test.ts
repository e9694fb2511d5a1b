import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SessionEnd } from '../../runtime/sessions/lifecycle.ts';
import { SessionBilling } from './session-billing.ts';

function billing(options: { failRecording?: boolean } = {}) {
  const recorded: SessionEnd[] = [];
  const calls: string[] = [];
  const lifecycle = {
    end: async (end: SessionEnd) => {
      calls.push('usage');
      recorded.push(end);
      if (options.failRecording) throw new Error('redis down');
    },
  };
  const subject = new SessionBilling('s-1', lifecycle, pino({ level: 'silent' }), () => void calls.push('onEnded'));
  return { subject, recorded, calls };
}

describe('SessionBilling: usage exactly once per admitted session, onEnded exactly once', () => {
  it('admitted, then ended: the usage of the session, then onEnded; a second end changes nothing', async () => {
    const { subject, recorded, calls } = billing();
    expect(subject.admitted()).toBe(true);
    await subject.ended({ reason: 'terminated', audioSeconds: 4.5 });
    await subject.ended({ reason: 'client_gone', audioSeconds: 9 });
    expect(recorded).toEqual([{ sessionId: 's-1', audioSeconds: 4.5, endedAt: expect.any(Date), reason: 'terminated' }]);
    expect(calls).toEqual(['usage', 'onEnded']);
  });

  it('ended before any admission (a refused handshake): onEnded only, nothing billed', async () => {
    const { subject, recorded, calls } = billing();
    await subject.ended({ reason: 'error:1008', audioSeconds: 0 });
    await subject.ended({ reason: 'client_gone', audioSeconds: 0 });
    expect(recorded).toEqual([]);
    expect(calls).toEqual(['onEnded']);
  });

  it('the client left while it was being admitted: onEnded at once, the usage when the admission completes, and the session must not open', async () => {
    const { subject, recorded, calls } = billing();
    await subject.ended({ reason: 'client_gone', audioSeconds: 0 });
    expect(subject.admitted()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await subject.ended({ reason: 'client_gone', audioSeconds: 0 });
    expect(recorded).toEqual([expect.objectContaining({ reason: 'client_gone', audioSeconds: 0 })]);
    expect(calls).toEqual(['onEnded', 'usage']);
  });

  it('a failed usage record is logged, and onEnded still runs', async () => {
    const { subject, calls } = billing({ failRecording: true });
    subject.admitted();
    await expect(subject.ended({ reason: 'terminated', audioSeconds: 1 })).resolves.toBeUndefined();
    expect(calls).toEqual(['usage', 'onEnded']);
  });
});
