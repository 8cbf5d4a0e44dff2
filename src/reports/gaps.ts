import type { ConceptMatcher } from '../retrieval/index.js';
import { words } from '../retrieval/index.js';
import type { Store } from '../store/index.js';

export interface GapGroup {
  topic: string;
  count: number;
  languages: string[];
  examples: string[];
}

/**
 * The questions of a region that found no good answer since `since`, grouped by the concepts
 * they name (or, without any, by their first longer words), largest group first: what the
 * knowledge base should learn next.
 */
export async function knowledgeGaps(store: Store, concepts: ConceptMatcher, regionId: string, since: number): Promise<GapGroup[]> {
  const groups = new Map<string, GapGroup>();
  for (const item of await store.listUnanswered(regionId, since)) {
    const found = [...concepts.match(item.question)].sort();
    const topic = found.length ? found.slice(0, 3).join(' + ') : words(item.question).filter((w) => w.length > 4).slice(0, 2).join(' ') || '(other)';
    const group = groups.get(topic) ?? { topic, count: 0, languages: [], examples: [] };
    group.count += 1;
    if (item.lang && !group.languages.includes(item.lang)) group.languages.push(item.lang);
    if (group.examples.length < 3) group.examples.push(item.question.slice(0, 160));
    groups.set(topic, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
