export type { JobListing, JobSource, JobSourceConfig } from './types.js';
export { JobSearch, createJobSearch, JOB_TIMEOUT_MS, type JobResult } from './service.js';
export { BaJobsuche } from './ba-jobsuche.js';
export { JobTechSearch } from './jobtech.js';
export { OccupationFinder, type Occupation } from './occupations.js';
