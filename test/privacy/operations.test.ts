import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { RateLimiter } from '../../src/conversations/index.js';
import { runRetention } from '../../src/privacy/retention.js';
import { knowledgeGaps } from '../../src/reports/gaps.js';
import { ConceptMatcher } from '../../src/retrieval/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { Store } from '../../src/store/index.js';
import { INDEX_DIR, KNOWLEDGE_DIR, readyState, tempDir } from '../helpers.js';

const dirs: string[] = [];
let server: RunningServer;
const logLines: string[] = [];
beforeAll(async () => {
  const dir = tempDir();
  dirs.push(dir);
  server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, KNOWLEDGE_DIR, INDEX_DIR, STAFF_TOKEN: 'ops-token-for-the-tests' }), { log: (line) => logLines.push(line) });
});
afterAll(async () => {
  await server.close();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const chat = (userId: string, body: Record<string, unknown>) =>
  fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, ...body }) });

describe('data rights', () => {
  it('exports everything stored about a user, then deletes it all on "/delete yes"', async () => {
    const userId = 'privacy-user-1';
    await chat(userId, { choice: 'region:asco' });
    await chat(userId, { choice: 'role:migrant' });
    await chat(userId, { text: 'My boss Pere keeps my passport, call me on 612 345 678' });
    await chat(userId, { text: '/privacy export' });
    const exported = await server.store.exportUser(`web:${userId}`);
    expect(exported!.messages.some((m) => m.text.includes('keeps my passport'))).toBe(true);
    expect(exported!.handoffEvents.length).toBeGreaterThan(0);

    await chat(userId, { text: '/delete yes' });
    expect(await server.store.exportUser(`web:${userId}`)).toBeUndefined();
    const leftovers = await server.store.db.selectFrom('messages').select('text').execute();
    expect(leftovers.some((m) => m.text.includes('Pere'))).toBe(false);
    const audit = await server.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user-deleted').execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(userId);
  });

  it('keeps message text, names and phone numbers out of the logs', async () => {
    const userId = 'privacy-user-2';
    await chat(userId, { choice: 'region:groningen' });
    await chat(userId, { choice: 'role:migrant' });
    await chat(userId, { text: 'I want to talk to a person, I am Fatima, 0612345678' });
    await chat(userId, { text: 'purple elephant zebra question' });
    const logs = logLines.join('\n');
    expect(logs).not.toMatch(/Fatima|0612345678|purple elephant/);
  });
});

describe('abuse protection', () => {
  it('answers a flood from one account once, and the next user normally', async () => {
    const statuses: number[] = [];
    const replies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await chat('flooding-user', { text: '/start' });
      statuses.push(res.status);
      replies.push((await res.json()).replies.length);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(replies.slice(25).every((n) => n === 0)).toBe(true);
    const other = await (await chat('calm-user-01', { text: '/help' })).json();
    expect(other.replies[0].text).toContain('/human');
  });

  it('limits requests per address', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 1000, () => now);
    expect([1, 2, 3, 4].map(() => limiter.allow('1.2.3.4'))).toEqual([true, true, true, false]);
    expect(limiter.allow('5.6.7.8')).toBe(true);
    now = 1000;
    expect(limiter.allow('1.2.3.4')).toBe(true);
  });
});

describe('operations', () => {
  it('serves Prometheus metrics with messages, latency, escalations and the queue', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^# HELP milestone_messages_total/m);
    expect(text).toMatch(/^milestone_messages_total\{channel="web",lang="\w+"\} \d+/m);
    expect(text).toMatch(/^milestone_answer_seconds_bucket\{le="0\.1",channel="web"\} \d+/m);
    expect(text).toMatch(/^milestone_escalations_total\{reason="\w+"\} \d+/m);
    expect(text).toMatch(/^milestone_handoff_queue_length\{state="queued"\} \d+/m);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{[^}]*\})? -?[\d.e+-]+|NaN$/);
  });

  it('reports readiness once the store answers', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('retention closes idle conversations and deletes exactly the messages that are due', async () => {
    const store = await Store.openSqlite(':memory:');
    const day = 86_400_000;
    const make = async (user: string) => {
      const conversation = await store.openConversation(await store.ensureUser('web', user));
      await store.saveState(conversation.id, readyState('postojna'));
      await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text: `hello from ${user}`, lang: 'en' });
      return conversation.id;
    };
    const old = await make('old');
    const recent = await make('recent');
    const fresh = await make('fresh');
    const setTimes = (id: string, updated: number, closed: number | null) =>
      store.db.updateTable('conversations').set({ updated_at: updated, closed_at: closed }).where('id', '=', id).execute();
    const now = Date.now();
    await setTimes(old, now - 200 * day, now - 100 * day);
    await setTimes(recent, now - 60 * day, now - 50 * day);
    await setTimes(fresh, now - 40 * day, null);
    const knowledge = (await import('../../src/knowledge/index.js')).loadKnowledge(KNOWLEDGE_DIR);

    const dry = (await runRetention(store, knowledge, { apply: false, now })).find((r) => r.regionId === 'postojna')!;
    expect(dry).toMatchObject({ closed: 1, purgedConversations: 1, purgedMessages: 1 });
    expect((await store.listMessages(old)).length).toBe(1);

    await runRetention(store, knowledge, { apply: true, now });
    expect(await store.listMessages(old)).toEqual([]);
    expect((await store.listMessages(recent)).length).toBe(1);
    const freshRow = await store.db.selectFrom('conversations').select('closed_at').where('id', '=', fresh).executeTakeFirst();
    expect(freshRow?.closed_at).not.toBeNull();
    await store.close();
  });

  it('groups the unanswered questions of a region for the gap report', async () => {
    const store = await Store.openSqlite(':memory:');
    const knowledge = (await import('../../src/knowledge/index.js')).loadKnowledge(KNOWLEDGE_DIR);
    await store.addUnanswered('asco', 'Where can I get a driving licence?', 'en');
    await store.addUnanswered('asco', 'How do I exchange my driving licence?', 'en');
    await store.addUnanswered('asco', 'quantum chromodynamics lecture', 'en');
    await store.addUnanswered('linkoping', 'driving licence?', 'en');
    const groups = await knowledgeGaps(store, new ConceptMatcher(knowledge.concepts), 'asco', 0);
    expect(groups[0]!.count).toBe(2);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(3);
    await store.close();
  });
});

describe('data rights through the staff console', () => {
  it('lets staff export and delete a user’s data on request, and nobody else', async () => {
    const userId = 'privacy-user-console';
    await chat(userId, { choice: 'region:linkoping' });
    await chat(userId, { choice: 'role:migrant' });
    await chat(userId, { text: 'I want to talk to a person' });
    const conversation = (await server.store.listConversations(['queued'])).find((c) => c.userId === `web:${userId}`)!;
    const api = (action: string, token = 'ops-token-for-the-tests') =>
      fetch(`${server.url}/staff/api/conversations/${conversation.id}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await api('export', 'wrong-token-wrong-token')).status).toBe(401);
    const exported = await (await api('export')).json();
    expect(exported.messages.map((m: { text: string }) => m.text)).toContain('I want to talk to a person');
    expect((await api('delete')).status).toBe(200);
    expect(await server.store.exportUser(`web:${userId}`)).toBeUndefined();
  });
});
