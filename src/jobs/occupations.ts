import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';
import { ConceptMatcher } from '../retrieval/index.js';

const schema = z.object({
  occupations: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9_-]+$/),
      search: z.record(z.string(), z.string().min(1)).refine((s) => typeof s.en === 'string', 'needs at least an "en" search term'),
      terms: z.record(z.string(), z.array(z.union([z.string(), z.number()]).transform(String)).min(1)),
    }),
  ),
});

export interface Occupation {
  id: string;
  /** Search term per country code (de, se, …), with `en` as the fallback. */
  search: Record<string, string>;
}

/** The occupations of knowledge/occupations.yaml, found in a message in any language. */
export class OccupationFinder {
  private readonly matcher: ConceptMatcher;
  private readonly byId = new Map<string, Occupation>();

  constructor(knowledgeDir: string) {
    const file = path.join(knowledgeDir, 'occupations.yaml');
    const parsed = schema.safeParse(YAML.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KnowledgeError(file, issue.path.join('.'), issue.message);
    }
    for (const o of parsed.data.occupations) this.byId.set(o.id, { id: o.id, search: o.search });
    this.matcher = new ConceptMatcher(parsed.data.occupations.map((o) => ({ id: o.id, terms: o.terms })));
  }

  /** The first occupation the text names, or undefined. */
  find(text: string): Occupation | undefined {
    const [first] = this.matcher.match(text);
    return first ? this.byId.get(first) : undefined;
  }

  /** The term for a country's API, else English. */
  searchTerm(occupation: Occupation, country: string): string {
    return occupation.search[country] ?? occupation.search.en!;
  }
}
