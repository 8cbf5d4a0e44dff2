import type { Knowledge, Role } from '../knowledge/index.js';

/**
 * A mixed multilingual stream for `milestone bench`: the knowledge base's own example
 * questions in every language, spread over all regions and both roles, in a fixed order.
 */
export function benchQuestions(knowledge: Knowledge, count: number): { text: string; regionId: string; role: Role }[] {
  const regions = [...knowledge.regions.values()];
  const pool: { text: string; regionId: string; role: Role }[] = [];
  for (const doc of knowledge.documents) {
    const region = regions.find((r) => r.id === doc.scope || r.country === doc.scope) ?? regions[pool.length % regions.length]!;
    for (const questions of Object.values(doc.questions)) {
      for (const text of questions) pool.push({ text, regionId: region.id, role: doc.audience === 'employer' ? 'employer' : 'migrant' });
    }
  }
  const out: typeof pool = [];
  // A fixed stride walks the pool across documents and languages, the same way every run.
  for (let i = 0; out.length < Math.min(count, pool.length); i += 7919) out.push(pool[i % pool.length]!);
  return out;
}
