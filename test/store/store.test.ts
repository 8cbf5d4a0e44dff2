import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readyState } from '../helpers.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the SQLite store', () => {
  it('records an update id once, also after a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    let store = await Store.openSqlite(dir);
    expect(await store.markProcessed('telegram', '1001')).toBe(true);
    expect(await store.markProcessed('telegram', '1001')).toBe(false);
    await store.close();
    store = await Store.openSqlite(dir);
    expect(await store.markProcessed('telegram', '1001')).toBe(false);
    expect(await store.markProcessed('teams', '1001')).toBe(true);
    await store.close();
  });

  it('keeps conversation state, messages in order and handoff events across a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    let store = await Store.openSqlite(dir);
    const userId = await store.ensureUser('telegram', '42');
    const conversation = await store.openConversation(userId);
    await store.saveState(conversation.id, readyState('asco', 'employer', { handoff: 'queued' }));
    for (const text of ['one', 'two', 'three']) await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text, lang: 'en' });
    await store.addHandoffEvent({ conversationId: conversation.id, from: 'bot', to: 'queued', actor: 'bot', reason: 'human_request' });
    await store.close();

    store = await Store.openSqlite(dir);
    const again = await store.openConversation(await store.ensureUser('telegram', '42'));
    expect(again.id).toBe(conversation.id);
    expect(again.state).toMatchObject({ regionId: 'asco', role: 'employer', handoff: 'queued' });
    expect((await store.listMessages(conversation.id)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(await store.listHandoffEvents(conversation.id)).toMatchObject([{ from: 'bot', to: 'queued', reason: 'human_request' }]);
    await store.close();
  });

  it('exports everything about a user, and deletes it leaving only an anonymous audit line', async () => {
    const store = await Store.openSqlite(':memory:');
    const userId = await store.ensureUser('web', 'abc');
    const other = await store.ensureUser('web', 'other');
    const conversation = await store.openConversation(userId);
    await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text: 'my employer kept my passport', lang: 'en' });
    await store.addMessage({ conversationId: (await store.openConversation(other)).id, direction: 'in', author: null, text: 'hello', lang: 'en' });

    const exported = await store.exportUser(userId);
    expect(exported?.messages.map((m) => m.text)).toEqual(['my employer kept my passport']);

    await store.deleteUser(userId);
    expect(await store.exportUser(userId)).toBeUndefined();
    const rows = await store.db.selectFrom('messages').select('text').execute();
    expect(rows.map((r) => r.text)).toEqual(['hello']);
    const audit = await store.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('abc');
    await store.close();
  });
});
