import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssistant, type Assistant } from '../../src/app.js';
import { BaJobsuche, JobSearch, JobTechSearch } from '../../src/jobs/index.js';
import { startJobsDouble } from '../doubles/jobs.js';
import { INDEX_DIR, KNOWLEDGE_DIR, readyState } from '../helpers.js';

let api: Awaited<ReturnType<typeof startJobsDouble>>;
let assistant: Assistant;
beforeAll(async () => {
  api = await startJobsDouble();
  assistant = await createAssistant({
    knowledgeDir: KNOWLEDGE_DIR,
    dataDir: INDEX_DIR,
    indexDir: INDEX_DIR,
    openai: undefined,
    jobs: { baJobsucheApiRoot: api.url, jobtechApiRoot: api.url },
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.set('ok');
  api.requests.length = 0;
});

const searchWith = () => new JobSearch({ 'ba-jobsuche': new BaJobsuche(api.url), jobtech: new JobTechSearch(api.url) }, { timeoutMs: 1000 });

describe('job connectors', () => {
  it('ask the Jobsuche API with the keyless header, occupation and place only, and link the official ads', async () => {
    const result = await searchWith().search('Koch', { source: 'ba-jobsuche', place: 'Naumburg (Saale)', radiusKm: 40 });
    expect(result.fallback).toBe(false);
    expect(result.jobs[0]).toEqual({
      title: 'Koch (m/w/d) in Vollzeit',
      employer: 'Gasthaus am Dom GmbH',
      place: '06618 Naumburg (Saale)',
      date: '2026-11-20',
      url: 'https://www.arbeitsagentur.de/jobsuche/jobdetail/10000-1198765432-S',
    });
    const request = api.requests[0]!;
    expect(request.headers['x-api-key']).toBe('jobboerse-jobsuche');
    expect(request.query).toMatchObject({ was: 'Koch', wo: 'Naumburg (Saale)', umkreis: '40', size: '5' });
  });

  it('ask JobTech JobSearch with q and the municipality concept id', async () => {
    const result = await searchWith().search('kock', { source: 'jobtech', municipality: 'bm2x_1mr_Qh7' });
    expect(result.jobs[0]).toMatchObject({ title: 'Kock till restaurang i centrala Linköping', employer: 'Restaurang Ågatan AB', place: 'Linköping', date: '2026-11-21' });
    expect(api.requests[0]!.query).toMatchObject({ q: 'kock', municipality: 'bm2x_1mr_Qh7' });
  });

  it('return an empty list, not a failure, when nothing is found', async () => {
    api.set('empty');
    expect(await searchWith().search('Koch', { source: 'ba-jobsuche', place: 'Zeitz' })).toMatchObject({ jobs: [], fallback: false });
  });

  it.each(['429', '500', 'malformed'] as const)('fall back on %s', async (failure) => {
    api.set(failure);
    expect((await searchWith().search('Koch', { source: 'ba-jobsuche', place: 'Zeitz' })).fallback).toBe(true);
  });

  it('give up on a slow answer within the time limit', async () => {
    api.set('slow');
    const started = Date.now();
    const result = await new JobSearch({ 'ba-jobsuche': new BaJobsuche(api.url), jobtech: new JobTechSearch(api.url) }).search('Koch', { source: 'ba-jobsuche' });
    expect(result.fallback).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('cache a query for 15 minutes and open the circuit after repeated failures', async () => {
    let now = 1_000_000;
    const search = new JobSearch({ 'ba-jobsuche': new BaJobsuche(api.url), jobtech: new JobTechSearch(api.url) }, { timeoutMs: 1000, now: () => now });
    await search.search('Koch', { source: 'ba-jobsuche', place: 'Zeitz' });
    await search.search('Koch', { source: 'ba-jobsuche', place: 'Zeitz' });
    expect(api.requests).toHaveLength(1);
    api.set('500');
    for (const term of ['Schweißer', 'Maler', 'Bäcker']) await search.search(term, { source: 'ba-jobsuche' });
    const calls = api.requests.length;
    expect((await search.search('Elektriker', { source: 'ba-jobsuche' })).fallback).toBe(true);
    expect(api.requests.length).toBe(calls);
    now += 16 * 60_000;
    api.set('ok');
    await search.search('Koch', { source: 'ba-jobsuche', place: 'Zeitz' });
    expect(api.requests.length).toBe(calls + 1);
  });
});

describe('job searches in the chat', () => {
  const ask = (text: string, regionId = 'burgenlandkreis') => assistant.engine.handle({ channel: 'web', userId: 'u', kind: 'text', text }, readyState(regionId));

  it('answer a job search in Arabic with live vacancies and the knowledge base’s advice', async () => {
    const result = await ask('بدي اشتغل طباخ، في شغل؟');
    const text = result.replies[0]!.text;
    expect(text).toContain('Koch (m/w/d) in Vollzeit');
    expect(text).toContain('https://www.arbeitsagentur.de/jobsuche/jobdetail/10000-1198765432-S');
    expect(result.replies[0]!.parts.citations.length).toBeGreaterThan(0);
    expect(api.requests[0]!.query.was).toBe('Koch');
  });

  it('send only the occupation and the place, never the message', async () => {
    await ask('Ich heiße Amina Yusuf, Tel. 0176 1234567, ich suche Arbeit als Koch');
    const sent = JSON.stringify(api.requests);
    expect(sent).not.toMatch(/Amina|Yusuf|0176/);
  });

  it('say that live listings are unavailable and still answer from the knowledge base', async () => {
    api.set('500');
    const result = await ask('looking for work as a welder, any jobs?');
    expect(result.answer?.found).toBe(true);
    expect(result.replies[0]!.text).toMatch(/not available right now/);
  });

  it('answer from the knowledge base alone in a region without a connector', async () => {
    const result = await ask('looking for work as a cook, any jobs?', 'asco');
    expect(api.requests).toHaveLength(0);
    expect(result.answer?.found).toBe(true);
  });
});
