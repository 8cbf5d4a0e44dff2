import { z } from 'zod';
import type { JobListing, JobSource, JobSourceConfig } from './types.js';

// Response shape of JobTech JobSearch /search (Arbetsförmedlingen's open API).
const response = z.object({
  hits: z
    .array(
      z.object({
        id: z.union([z.string(), z.number()]),
        headline: z.string(),
        employer: z.object({ name: z.string().nullish() }).nullish(),
        workplace_address: z.object({ municipality: z.string().nullish(), city: z.string().nullish() }).nullish(),
        publication_date: z.string().nullish(),
        webpage_url: z.string().nullish(),
      }),
    )
    .default([]),
});

/** JobTech JobSearch (keyless): Platsbanken's ads and more. */
export class JobTechSearch implements JobSource {
  readonly label = 'Arbetsförmedlingen, Platsbanken (JobTech)';

  constructor(private readonly apiRoot: string) {}

  async search(term: string, config: JobSourceConfig, signal: AbortSignal): Promise<JobListing[]> {
    const url = new URL('/search', this.apiRoot);
    url.searchParams.set('q', term);
    if (config.municipality) url.searchParams.set('municipality', config.municipality);
    url.searchParams.set('limit', '5');
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal });
    if (!res.ok) throw new Error(`JobSearch answered ${res.status}`);
    const body = response.parse(await res.json());
    return body.hits.slice(0, 5).map((hit) => ({
      title: hit.headline,
      employer: hit.employer?.name ?? '',
      place: hit.workplace_address?.city ?? hit.workplace_address?.municipality ?? '',
      date: (hit.publication_date ?? '').slice(0, 10),
      url: hit.webpage_url ?? `https://arbetsformedlingen.se/platsbanken/annonser/${hit.id}`,
    }));
  }
}
