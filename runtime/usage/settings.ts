/** How usage records are queued and delivered (read from the environment by runtime/sessions/config.ts). */
export interface UsageSettings {
  queueName: string;
  trackerUrl?: string;
  apiKey?: string;
  batchIntervalMs: number;
  batchMax: number;
  /** How long delivery may keep failing (since the last success) before the reporter gives up. */
  retryBudgetMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  backlogWarn: number;
  /** Lock on fetched jobs: a killed reporter's batch returns to the queue about this long after. */
  lockMs: number;
}
