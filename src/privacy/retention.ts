import type { Knowledge } from '../knowledge/types.js';
import type { Store } from '../store/index.js';

const DAY_MS = 86_400_000;

export interface RetentionReport {
  regionId: string;
  closed: number;
  purgedConversations: number;
  purgedMessages: number;
}

/**
 * The retention rules of every region (regions.yaml `retention`, defaults 30 and 90 days):
 * idle conversations are closed, and closed conversations' messages deleted when due.
 */
export async function runRetention(store: Store, knowledge: Knowledge, options: { apply: boolean; now?: number }): Promise<RetentionReport[]> {
  const now = options.now ?? Date.now();
  const reports: RetentionReport[] = [];
  for (const region of knowledge.regions.values()) {
    const { idleCloseDays, deleteClosedAfterDays } = region.retention;
    const result = await store.applyRetention(region.id, now - idleCloseDays * DAY_MS, now - deleteClosedAfterDays * DAY_MS, options.apply);
    reports.push({ regionId: region.id, ...result });
  }
  return reports;
}
