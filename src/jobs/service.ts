import { BaJobsuche } from './ba-jobsuche.js';
import { JobTechSearch } from './jobtech.js';
import type { JobListing, JobSource, JobSourceConfig } from './types.js';

/** A live call never holds an answer up longer than this. */
export const JOB_TIMEOUT_MS = 3000;
const CACHE_MS = 15 * 60_000;
/** After this many failures in a row a source is left alone for a while. */
const BREAKER_FAILURES = 3;
const BREAKER_OPEN_MS = 60_000;

export interface JobResult {
  jobs: JobListing[];
  source: string;
  /** True when live listings could not be had (error, time-out, open breaker). */
  fallback: boolean;
}

/**
 * Live vacancies with a time limit, a 15-minute cache per query and a circuit breaker per
 * source. It never throws: on any failure the caller gets `fallback: true` and answers from
 * the knowledge base.
 */
export class JobSearch {
  private readonly cache = new Map<string, { at: number; jobs: JobListing[] }>();
  private readonly breakers = new Map<string, { failures: number; openUntil: number }>();

  constructor(
    private readonly sources: Record<JobSourceConfig['source'], JobSource>,
    private readonly options: { timeoutMs?: number; now?: () => number; log?: (line: string) => void } = {},
  ) {}

  async search(term: string, config: JobSourceConfig): Promise<JobResult> {
    const source = this.sources[config.source];
    const now = this.options.now?.() ?? Date.now();
    const key = `${config.source}|${term}|${config.place ?? ''}|${config.municipality ?? ''}`;
    const cached = this.cache.get(key);
    if (cached && now - cached.at < CACHE_MS) return { jobs: cached.jobs, source: source.label, fallback: false };
    const breaker = this.breakers.get(config.source) ?? { failures: 0, openUntil: 0 };
    if (breaker.openUntil > now) return { jobs: [], source: source.label, fallback: true };
    try {
      const jobs = await source.search(term, config, AbortSignal.timeout(this.options.timeoutMs ?? JOB_TIMEOUT_MS));
      this.cache.set(key, { at: now, jobs });
      this.breakers.set(config.source, { failures: 0, openUntil: 0 });
      return { jobs, source: source.label, fallback: false };
    } catch (error) {
      const failures = breaker.failures + 1;
      this.breakers.set(config.source, { failures, openUntil: failures >= BREAKER_FAILURES ? now + BREAKER_OPEN_MS : 0 });
      this.options.log?.(`jobs: ${config.source} failed (${(error as Error).message.slice(0, 100)})`);
      return { jobs: [], source: source.label, fallback: true };
    }
  }
}

/** A job search over every connector, at the configured API roots. */
export function createJobSearch(roots: { baJobsucheApiRoot: string; jobtechApiRoot: string }, log?: (line: string) => void): JobSearch {
  return new JobSearch({ 'ba-jobsuche': new BaJobsuche(roots.baJobsucheApiRoot), jobtech: new JobTechSearch(roots.jobtechApiRoot) }, { log });
}
