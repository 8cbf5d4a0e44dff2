import { afterEach, describe, expect, it } from 'vitest';
import { readyState } from '../helpers.js';
import { BACKENDS } from './backends.js';

describe.each(BACKENDS)('the store on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const fresh = () => {
    const place = backend.fresh();
    cleanups.push(place.cleanup);
    return place;
  };

  it('migrates its own place even when another store on the same server is migrated at the same time', async () => {
    const [one, two] = await Promise.all([fresh().open(), fresh().open()]);
    expect(await one.markProcessed('telegram', 'x')).toBe(true);
    expect(await two.markProcessed('telegram', 'x')).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });

  it('records an update id once, also after a restart', async () => {
    const place = fresh();
    let store = await place.open();
    expect(await store.markProcessed('telegram', '1001')).toBe(true);
    expect(await store.markProcessed('telegram', '1001')).toBe(false);
    await store.close();
    store = await place.open();
    expect(await store.markProcessed('telegram', '1001')).toBe(false);
    expect(await store.markProcessed('teams', '1001')).toBe(true);
    await store.releaseProcessed('telegram', '1001');
    expect(await store.markProcessed('telegram', '1001')).toBe(true);
    await store.close();
  });

  it('keeps conversation state, messages in order and handoff events across a restart', async () => {
    const place = fresh();
    let store = await place.open();
    const userId = await store.ensureUser('telegram', '42');
    const conversation = await store.openConversation(userId);
    await store.saveState(conversation.id, readyState('asco', 'employer', { handoff: 'queued' }));
    for (const text of ['one', 'two', 'three']) await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text, lang: 'en' });
    await store.addHandoffEvent({ conversationId: conversation.id, from: 'bot', to: 'queued', actor: 'bot', reason: 'human_request' });
    await store.close();

    store = await place.open();
    const again = await store.openConversation(await store.ensureUser('telegram', '42'));
    expect(again.id).toBe(conversation.id);
    expect(again.state).toMatchObject({ regionId: 'asco', role: 'employer', handoff: 'queued' });
    expect((await store.listMessages(conversation.id)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(await store.listHandoffEvents(conversation.id)).toMatchObject([{ from: 'bot', to: 'queued', reason: 'human_request' }]);
    expect((await store.listConversations(['queued'], 'asco')).map((c) => c.id)).toEqual([conversation.id]);
    await store.close();
  });

  it('exports everything about a user, and deletes it leaving only an anonymous audit line', async () => {
    const store = await fresh().open();
    const userId = await store.ensureUser('web', 'abc');
    const other = await store.ensureUser('web', 'other');
    const conversation = await store.openConversation(userId);
    await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text: 'my employer kept my passport', lang: 'en' });
    await store.addFeedback(conversation.id, 'm1', 1);
    await store.saveChannelReference('web', 'abc', { conversation: { id: 'x' } });
    await store.addMessage({ conversationId: (await store.openConversation(other)).id, direction: 'in', author: null, text: 'hello', lang: 'en' });

    const exported = await store.exportUser(userId);
    expect(exported?.messages.map((m) => m.text)).toEqual(['my employer kept my passport']);

    await store.deleteUser(userId);
    expect(await store.exportUser(userId)).toBeUndefined();
    expect(await store.channelReference('web', 'abc')).toBeUndefined();
    const rows = await store.db.selectFrom('messages').select('text').execute();
    expect(rows.map((r) => r.text)).toEqual(['hello']);
    const audit = await store.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('abc');
    await store.close();
  });

  it('applies retention exactly to what is due', async () => {
    const store = await fresh().open();
    const day = 86_400_000;
    const now = Date.now();
    const make = async (user: string, updated: number, closed: number | null) => {
      const conversation = await store.openConversation(await store.ensureUser('web', user));
      await store.saveState(conversation.id, readyState('postojna'));
      await store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text: user, lang: 'en' });
      await store.db.updateTable('conversations').set({ updated_at: updated, closed_at: closed }).where('id', '=', conversation.id).execute();
      return conversation.id;
    };
    const old = await make('old', now - 200 * day, now - 100 * day);
    const recent = await make('recent', now - 60 * day, now - 50 * day);
    await make('idle', now - 40 * day, null);
    expect(await store.applyRetention('postojna', now - 30 * day, now - 90 * day, false)).toEqual({ closed: 1, purgedConversations: 1, purgedMessages: 1 });
    await store.applyRetention('postojna', now - 30 * day, now - 90 * day, true);
    expect(await store.listMessages(old)).toEqual([]);
    expect((await store.listMessages(recent)).length).toBe(1);
    await store.close();
  });
});
