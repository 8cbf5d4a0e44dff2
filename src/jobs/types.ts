/** One vacancy, as shown to a user: always with the link to the official ad. */
export interface JobListing {
  title: string;
  employer: string;
  place: string;
  /** Publication date, YYYY-MM-DD. */
  date: string;
  url: string;
}

import type { RegionJobs } from '../knowledge/types.js';

/** Where a region's live vacancies come from (regions.yaml `jobs`). */
export type JobSourceConfig = RegionJobs;

/**
 * A public job API. Adding a region's connector is one file implementing this, plus the
 * region's `jobs` entry in regions.yaml.
 */
export interface JobSource {
  /** Shown to users as the source of the listings. */
  label: string;
  /** Searches by occupation and place only: nothing about the user leaves. */
  search(term: string, config: JobSourceConfig, signal: AbortSignal): Promise<JobListing[]>;
}
