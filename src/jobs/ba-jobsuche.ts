import { z } from 'zod';
import type { JobListing, JobSource, JobSourceConfig } from './types.js';

// Response shape of the Jobsuche API (jobboerse/jobsuche-service/pc/v4/jobs), as documented
// by the bundesAPI project; fields the answer does not need are ignored.
const response = z.object({
  stellenangebote: z
    .array(
      z.object({
        titel: z.string(),
        refnr: z.string(),
        arbeitgeber: z.string().optional(),
        arbeitsort: z.object({ ort: z.string().optional(), plz: z.string().optional(), region: z.string().optional() }).optional(),
        aktuelleVeroeffentlichungsdatum: z.string().optional(),
        externeUrl: z.string().optional(),
      }),
    )
    .optional()
    .default([]),
  maxErgebnisse: z.union([z.number(), z.string()]).optional(),
});

/** The Bundesagentur für Arbeit Jobsuche API (keyless: X-API-Key jobboerse-jobsuche). */
export class BaJobsuche implements JobSource {
  readonly label = 'Bundesagentur für Arbeit, JOBBÖRSE';

  constructor(private readonly apiRoot: string) {}

  async search(term: string, config: JobSourceConfig, signal: AbortSignal): Promise<JobListing[]> {
    const url = new URL('/jobboerse/jobsuche-service/pc/v4/jobs', this.apiRoot);
    url.searchParams.set('was', term);
    if (config.place) url.searchParams.set('wo', config.place);
    url.searchParams.set('umkreis', String(config.radiusKm ?? 25));
    url.searchParams.set('size', '5');
    url.searchParams.set('angebotsart', '1');
    const res = await fetch(url, { headers: { 'X-API-Key': 'jobboerse-jobsuche', accept: 'application/json' }, signal });
    if (!res.ok) throw new Error(`Jobsuche answered ${res.status}`);
    const body = response.parse(await res.json());
    return body.stellenangebote.slice(0, 5).map((job) => ({
      title: job.titel,
      employer: job.arbeitgeber ?? '',
      place: [job.arbeitsort?.plz, job.arbeitsort?.ort].filter(Boolean).join(' '),
      date: (job.aktuelleVeroeffentlichungsdatum ?? '').slice(0, 10),
      // The official ad on arbeitsagentur.de (the employer's own page may be linked from there).
      url: `https://www.arbeitsagentur.de/jobsuche/jobdetail/${encodeURIComponent(job.refnr)}`,
    }));
  }
}
