import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { bullPrefix } from './queue.ts';
import type { UsageRecord } from './record.ts';
import { TrackerClient } from './tracker-client.ts';
import type { UsageSettings } from './settings.ts';

export interface UsageReporterOptions extends Omit<UsageSettings, 'trackerUrl' | 'apiKey'> {
  /** A connection with maxRetriesPerRequest: null (BullMQ's requirement). */
  connection: Redis;
  redisPrefix: string;
  trackerUrl: string;
  apiKey: string;
  logger: Logger;
}

/** Thrown (and reported through onFatal) when the reporter must exit so it gets replaced. */
export class ReporterFatal extends Error {}

/**
 * Consumer side of the usage queue. Fetches jobs by hand (BullMQ's manual-fetch pattern) so it
 * can send them in batches; a batch is completed in Redis only after the tracker accepted it,
 * so a crash at any point leaves the records in Redis (locks expire, the stalled check returns
 * them to the queue) and the tracker's dedupe absorbs any resend.
 */
export class UsageReporter {
  private readonly worker: Worker<UsageRecord>;
  private readonly queue: Queue<UsageRecord>;
  private readonly tracker: TrackerClient;
  private readonly token = randomUUID();
  private readonly id = `reporter-${randomUUID()}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private failingSince: number | null = null;
  private lastBacklogCheck = 0;
  private readonly stopSignal = new AbortController();

  constructor(private readonly o: UsageReporterOptions) {
    const common = { connection: o.connection, prefix: bullPrefix(o.redisPrefix) };
    this.worker = new Worker<UsageRecord>(o.queueName, null, {
      ...common,
      autorun: false,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(250, Math.floor(o.lockMs / 2)),
      // A record must never be dropped because reporters died while holding it.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', (err) => o.logger.warn({ err: err.message }, 'usage worker error'));
    this.queue = new Queue<UsageRecord>(o.queueName, common);
    this.tracker = new TrackerClient(o.trackerUrl, o.apiKey);
  }

  /** Registers with the tracker (throws ReporterFatal if it cannot) and starts the send loop. */
  async start(onFatal: (err: ReporterFatal) => void): Promise<void> {
    await this.register();
    await this.worker.startStalledCheckTimer();
    this.running = true;
    this.loop = this.run().catch((err: unknown) => {
      if (err instanceof ReporterFatal) onFatal(err);
      else if (this.running) onFatal(new ReporterFatal(`usage reporter crashed: ${(err as Error).message}`));
    });
  }

  private async register(): Promise<void> {
    const attempts = 3;
    for (let i = 1; i <= attempts; i++) {
      try {
        await this.tracker.register({ id: this.id });
        this.o.logger.info({ reporterId: this.id, tracker: this.o.trackerUrl }, 'usage reporter registered with the tracker');
        return;
      } catch (err) {
        this.o.logger.warn({ attempt: i, err: (err as Error).message }, 'usage tracker registration failed');
        if (i < attempts) await sleep(this.o.backoffInitialMs);
      }
    }
    throw new ReporterFatal(`usage reporter: cannot register with the usage tracker at ${this.o.trackerUrl}; exiting`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.warnOnBacklog();
      const jobs = await this.fetchBatch();
      if (jobs.length === 0) {
        await this.pause(this.o.batchIntervalMs);
        continue;
      }
      await this.deliver(jobs);
      // A full batch means a backlog: keep draining; otherwise wait for the next interval.
      if (jobs.length < this.o.batchMax) await this.pause(this.o.batchIntervalMs);
    }
  }

  private async fetchBatch(): Promise<Job<UsageRecord>[]> {
    const jobs: Job<UsageRecord>[] = [];
    while (this.running && jobs.length < this.o.batchMax) {
      const job = await this.worker.getNextJob(this.token, { block: false });
      if (!job) break;
      jobs.push(job);
    }
    return jobs;
  }

  /** Sends until the tracker accepts, backing off; gives up (ReporterFatal) past the retry budget. */
  private async deliver(jobs: Job<UsageRecord>[]): Promise<void> {
    let backoff = this.o.backoffInitialMs;
    for (;;) {
      try {
        const result = await this.tracker.send(jobs.map((j) => j.data));
        await Promise.all(jobs.map((j) => j.moveToCompleted(result, this.token, false)));
        if (this.failingSince !== null) this.o.logger.info({ records: jobs.length }, 'usage tracker reachable again');
        this.failingSince = null;
        this.o.logger.debug({ records: jobs.length, ...result }, 'usage batch delivered');
        return;
      } catch (err) {
        const now = Date.now();
        this.failingSince ??= now;
        const failingFor = now - this.failingSince;
        if (failingFor >= this.o.retryBudgetMs) {
          const backlog = await this.backlog().catch(() => -1);
          this.o.logger.fatal(
            { failingForMs: failingFor, retryBudgetMs: this.o.retryBudgetMs, backlog, err: (err as Error).message },
            'usage reporter: retry budget exhausted after %ds of failed deliveries; %d records stay queued in Redis; exiting so the orchestrator restarts the reporter',
            Math.round(failingFor / 1000),
            backlog,
          );
          throw new ReporterFatal('usage reporter: retry budget exhausted');
        }
        this.o.logger.warn({ err: (err as Error).message, records: jobs.length, retryInMs: backoff, failingForMs: failingFor }, 'usage batch delivery failed; retrying');
        // Keep the batch ours while we wait, so another reporter does not send it concurrently.
        await Promise.all(jobs.map((j) => j.extendLock(this.token, backoff + this.o.lockMs).catch(() => 0)));
        await this.pause(backoff);
        if (!this.running) return;
        backoff = Math.min(backoff * 2, this.o.backoffMaxMs);
      }
    }
  }

  private async backlog(): Promise<number> {
    const counts = await this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  private async warnOnBacklog(): Promise<void> {
    const now = Date.now();
    if (now - this.lastBacklogCheck < 10_000) return;
    this.lastBacklogCheck = now;
    const backlog = await this.backlog().catch(() => 0);
    if (backlog > this.o.backlogWarn) this.o.logger.warn({ backlog, threshold: this.o.backlogWarn }, 'usage backlog of %d records is above %d', backlog, this.o.backlogWarn);
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }

  /** Stops fetching; an undelivered batch returns to the queue when its lock expires. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopSignal.abort();
    await this.loop;
    await this.worker.close(true);
    await this.queue.close();
  }
}
