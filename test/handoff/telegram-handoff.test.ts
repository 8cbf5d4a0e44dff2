import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { callbackUpdate, TelegramDouble, textUpdate, topicMessageUpdate } from '../doubles/telegram.js';
import { telegramEnv, tempDir } from '../helpers.js';

const SECRET = 'handoff-secret';
const STAFF_CHAT = -1001234;
const USER = 4242;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function start(api: TelegramDouble, dataDir: string): Promise<RunningServer> {
  const config = loadConfig(
    telegramEnv(dataDir, api.url, SECRET, { TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT), STAFF_TOKEN: 'staff-token-for-tests-only' }),
  );
  return startServer(config, { channels: [telegramChannel], log: () => undefined });
}

const post = async (server: RunningServer, update: unknown) => {
  const res = await fetch(`${server.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
  expect(res.status).toBe(200);
};
const toUser = (api: TelegramDouble) => api.sent().filter((c) => String(c.payload.chat_id) === String(USER)).map((c) => String(c.payload.text));
const toStaff = (api: TelegramDouble) => api.sent().filter((c) => String(c.payload.chat_id) === String(STAFF_CHAT));

describe('handoff over Telegram', () => {
  it('runs a full case: request, staff topic, claim, reply, restart, return, bot answers again', async () => {
    const api = await new TelegramDouble().start();
    const dataDir = tempDir();
    dirs.push(dataDir);
    let server = await start(api, dataDir);

    await post(server, textUpdate(USER, '/start burgenlandkreis'));
    await post(server, callbackUpdate(USER, 'role:migrant'));
    const escalatedAt = Date.now();
    await post(server, textUpdate(USER, 'I want to talk to a real person please'));

    // The staff topic appears at once, with the summary and the buttons.
    const [topic] = await api.waitFor('createForumTopic');
    const notifiedMs = topic!.at - escalatedAt;
    expect(notifiedMs).toBeLessThan(1000);
    expect(String(topic!.payload.chat_id)).toBe(String(STAFF_CHAT));
    const summary = toStaff(api).find((c) => String(c.payload.text).includes('New case'))!;
    expect(String(summary.payload.text)).toContain('Burgenlandkreis');
    expect(String(summary.payload.text)).toContain('human_request');
    expect(String(summary.payload.text)).toContain('real person');
    const buttons = (summary.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data);
    const conversationId = buttons[0]!.split(':')[2]!;
    const threadId = Number(summary.payload.message_thread_id);
    expect(toUser(api).at(-1)).toMatch(/person/);

    // A stranger's group cannot act on the case.
    await post(server, callbackUpdate(999, `hs:claim:${conversationId}`, 1, { id: -100999, type: 'supergroup' }, 'Mallory'));
    expect((await server.store.getConversationSummary(conversationId))!.state.handoff).toBe('queued');

    // Staff claim (pressed twice: one notice) and reply in the topic.
    await post(server, callbackUpdate(777, `hs:claim:${conversationId}`, 1, { id: STAFF_CHAT, type: 'supergroup' }, 'Anna'));
    await post(server, callbackUpdate(777, `hs:claim:${conversationId}`, 1, { id: STAFF_CHAT, type: 'supergroup' }, 'Anna'));
    expect(toUser(api).filter((t) => t.includes('Anna'))).toHaveLength(1);
    await post(server, topicMessageUpdate(STAFF_CHAT, threadId, 777, 'Anna', 'Hello, I am Anna. How can I help?'));
    expect(toUser(api).at(-1)).toBe('Anna: Hello, I am Anna. How can I help?');

    // The user's next message goes to the topic; the bot stays silent. Then a restart.
    const before = toUser(api).length;
    await post(server, textUpdate(USER, 'When can I start working?'));
    expect(toUser(api).length).toBe(before);
    expect(toStaff(api).at(-1)!.payload.text).toContain('When can I start working?');
    await server.close();
    server = await start(api, dataDir);
    expect((await server.store.getConversationSummary(conversationId))!.state.handoff).toBe('staff');
    expect((await server.store.listMessages(conversationId)).map((m) => m.text)).toContain('Hello, I am Anna. How can I help?');

    // Return to the bot: the user is told, and the bot answers the next question.
    await post(server, callbackUpdate(777, `hs:return:${conversationId}`, 1, { id: STAFF_CHAT, type: 'supergroup' }, 'Anna'));
    expect(toUser(api).at(-1)).toMatch(/handed the chat back/);
    api.calls.length = 0;
    await post(server, textUpdate(USER, 'When can an asylum seeker start working?'));
    expect(toUser(api).some((t) => t.includes('<a href='))).toBe(true);

    // Close twice (a late webhook retry): one closing message, with the rating buttons.
    await post(server, callbackUpdate(777, `hs:close:${conversationId}`, 1, { id: STAFF_CHAT, type: 'supergroup' }, 'Anna'));
    await post(server, callbackUpdate(777, `hs:close:${conversationId}`, 1, { id: STAFF_CHAT, type: 'supergroup' }, 'Anna'));
    const closing = toUser(api).filter((t) => t.includes('How helpful'));
    expect(closing).toHaveLength(1);
    await post(server, callbackUpdate(USER, 'rate:5'));
    const ratings = await server.store.db.selectFrom('feedback').selectAll().where('message_ref', '=', 'handoff-rating').execute();
    expect(ratings.map((r) => r.rating)).toEqual([5]);

    const events = await server.store.listHandoffEvents(conversationId);
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['bot>queued', 'queued>staff', 'staff>bot', 'bot>closed']);
    expect(events[1]!.actor).toBe('telegram:777');
    console.log(`escalation → staff notification: ${notifiedMs} ms`);
    await server.close();
    await api.stop();
  });
});

describe('an unclaimed case', () => {
  it('gives the user the office contact once, after the region’s waiting time, and stays queued', async () => {
    const api = await new TelegramDouble().start();
    const dataDir = tempDir();
    dirs.push(dataDir);
    const server = await start(api, dataDir);
    await post(server, textUpdate(USER + 1, '/start groningen'));
    await post(server, callbackUpdate(USER + 1, 'role:migrant'));
    await post(server, textUpdate(USER + 1, '/human'));
    expect(await server.handoff.remindUnclaimed()).toBe(0);
    const conversation = (await server.store.listConversations(['queued']))[0]!;
    await server.store.db.updateTable('handoff_events').set({ created_at: Date.now() - 31 * 60_000 }).where('conversation_id', '=', conversation.id).execute();
    expect(await server.handoff.remindUnclaimed()).toBe(1);
    expect(await server.handoff.remindUnclaimed()).toBe(0);
    const last = api.sent().filter((c) => String(c.payload.chat_id) === String(USER + 1)).at(-1)!;
    expect(String(last.payload.text)).toMatch(/Nobody from the team could answer yet/);
    expect((await server.store.getConversationSummary(conversation.id))!.state.handoff).toBe('queued');
    await server.close();
    await api.stop();
  });
});
