import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { ApiEmbeddings, Retriever } from '../../src/retrieval/index.js';
import { startEmbeddingsDouble } from '../doubles/openai.js';
import { KNOWLEDGE_DIR } from '../helpers.js';

let double: Awaited<ReturnType<typeof startEmbeddingsDouble>>;
beforeAll(async () => {
  double = await startEmbeddingsDouble();
});
afterAll(() => double.close());

describe('OpenAI-compatible embeddings', () => {
  it('embed through the real openai client and serve as the vector side of retrieval', async () => {
    const full = loadKnowledge(KNOWLEDGE_DIR);
    const documents = full.documents.filter((d) => d.scope === 'postojna');
    const knowledge = { ...full, documents, passages: full.passages.filter((p) => p.scope === 'postojna') };
    const embeddings = new ApiEmbeddings({ apiKey: 'test-key', baseUrl: double.url, model: 'test-embed' });
    const retriever = await Retriever.open(knowledge, embeddings);
    const result = await retriever.search('Slovene course', 'en', { scopes: ['postojna'] });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(double.requests.length).toBeGreaterThan(1);
    expect(double.requests[0]).toMatchObject({ path: '/v1/embeddings', auth: 'Bearer test-key', body: { model: 'test-embed' } });
  });

  it('turn a failing server into a ServiceError', async () => {
    const failing = await startEmbeddingsDouble({ fail: true });
    try {
      const embeddings = new ApiEmbeddings({ apiKey: 'k', baseUrl: failing.url, model: 'm', timeoutMs: 2000 });
      await expect(embeddings.embedQuery('hello')).rejects.toBeInstanceOf(ServiceError);
    } finally {
      await failing.close();
    }
  });
});
