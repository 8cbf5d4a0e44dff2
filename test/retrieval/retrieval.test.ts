import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { ConceptMatcher, LocalEmbeddings, Retriever } from '../../src/retrieval/index.js';
import { KNOWLEDGE_DIR, tempDir } from '../helpers.js';

const knowledge = loadKnowledge(KNOWLEDGE_DIR);
const embeddings = new LocalEmbeddings(new ConceptMatcher(knowledge.concepts));
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('the local embedder', () => {
  it('puts spelling variants and other scripts of one word close together', () => {
    const base = embeddings.embedText('Arbeitserlaubnis');
    expect(cosine(base, embeddings.embedText('arbeitserlaubniss'))).toBeGreaterThan(0.6);
    expect(cosine(embeddings.embedText('Ausländerbehörde'), embeddings.embedText('аусландербехорде'))).toBeGreaterThan(0.3);
    expect(cosine(base, embeddings.embedText('Schwimmbad'))).toBeLessThan(0.3);
  });
});

describe('the retriever', () => {
  it('finds a document for questions in languages it is not written in, through its questions and concepts', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const retriever = await Retriever.open(knowledge, embeddings, { indexDir: dir });
    const scopes = { scopes: ['linkoping', 'se', 'eu'], role: 'migrant' as const };
    const topicOf = (docId: string) => knowledge.documents.find((d) => d.id === docId)!.topics;
    for (const [question, lang] of [
      ['Var kan jag lära mig svenska gratis?', 'sv'],
      ['Де я можу безкоштовно вивчати шведську мову?', 'uk'],
      ['وين بقدر اتعلم اللغة السويدية ببلاش؟', 'ar'],
      ['Swedish kursiga bilaashka ah xaggee ka heli karaa?', 'so'],
    ] as const) {
      const result = await retriever.search(question, lang, scopes);
      expect(topicOf(result.hits[0]!.docId), `${lang}: ${result.hits[0]!.docId}`).toContain('language-courses');
    }
  });

  it('keeps the index in DATA_DIR and loads it, without rebuilding, while knowledge/ is unchanged', async () => {
    const dir = tempDir();
    dirs.push(dir);
    let builds = 0;
    await Retriever.open(knowledge, embeddings, { indexDir: dir, onBuild: () => builds++ });
    await Retriever.open(knowledge, embeddings, { indexDir: dir, onBuild: () => builds++ });
    expect(builds).toBe(1);
    const saved = readdirSync(dir);
    expect(saved).toHaveLength(1);
    expect(existsSync(path.join(dir, saved[0]!, 'hnswlib.index'))).toBe(true);
    await Retriever.open({ ...knowledge, fingerprint: 'changed' }, embeddings, { indexDir: dir, onBuild: () => builds++ });
    expect(builds).toBe(2);
  });

  it('never returns a document outside the given scopes', async () => {
    const retriever = await Retriever.open(knowledge, embeddings);
    const result = await retriever.search('Arbetsförmedlingen Linköping jobb', 'sv', { scopes: ['burgenlandkreis', 'de', 'eu'] }, 10);
    for (const hit of result.hits) {
      expect(['burgenlandkreis', 'de', 'eu']).toContain(knowledge.documents.find((d) => d.id === hit.docId)!.scope);
    }
  });
});
