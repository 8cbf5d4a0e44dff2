import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { callbackUpdate, stickerUpdate, TelegramDouble, textUpdate } from '../doubles/telegram.js';
import { telegramEnv, tempDir } from '../helpers.js';

const SECRET = 'test-secret_123';
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function startBot(api: TelegramDouble, mode: 'webhook' | 'polling', dataDir = tempDir()): Promise<RunningServer> {
  dirs.push(dataDir);
  const config = loadConfig(telegramEnv(dataDir, api.url, SECRET, { TELEGRAM_MODE: mode }));
  return startServer(config, { channels: [telegramChannel], log: () => undefined });
}

function postUpdate(server: RunningServer, update: unknown, secret: string | null = SECRET) {
  return fetch(`${server.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: typeof update === 'string' ? update : JSON.stringify(update),
  });
}

describe('Telegram webhook', () => {
  let api: TelegramDouble;
  let server: RunningServer;
  beforeAll(async () => {
    api = await new TelegramDouble().start();
    server = await startBot(api, 'webhook');
  });
  afterAll(async () => {
    await server.close();
    await api.stop();
  });
  afterEach(() => {
    api.calls.length = 0;
  });

  it('registers the command menu in every supported language at start', async () => {
    const fresh = await new TelegramDouble().start();
    const bot = await startBot(fresh, 'webhook');
    const menus = fresh.sent('setMyCommands');
    expect(menus.length).toBeGreaterThanOrEqual(28);
    expect(menus.find((c) => c.payload.language_code === 'uk')?.payload.commands).toContainEqual(expect.objectContaining({ command: 'human' }));
    await bot.close();
    await fresh.stop();
  });

  it('refuses a wrong or missing secret token with 401 and processes nothing', async () => {
    const update = textUpdate(1, 'hello');
    expect((await postUpdate(server, update, 'forged')).status).toBe(401);
    expect((await postUpdate(server, update, null)).status).toBe(401);
    expect(api.sent()).toHaveLength(0);
    expect(await server.store.markProcessed('telegram', String(update.update_id))).toBe(true);
  });

  it('refuses a malformed body with 400', async () => {
    expect((await postUpdate(server, '{"update_id": ')).status).toBe(400);
    expect((await postUpdate(server, { hello: 'world' })).status).toBe(400);
  });

  it('opens the bot set to a region from a deep link, and asks for the role with buttons', async () => {
    expect((await postUpdate(server, textUpdate(11, '/start asco'))).status).toBe(200);
    const message = (await api.waitFor('sendMessage')).find((m) => m.payload.reply_markup);
    const keyboard = (message!.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat();
    expect(keyboard.map((b) => b.callback_data)).toEqual(['role:migrant', 'role:employer']);
  });

  it('answers a question with escaped HTML, source links and a feedback row, after onboarding by buttons', async () => {
    await postUpdate(server, textUpdate(12, '/start burgenlandkreis'));
    await postUpdate(server, callbackUpdate(12, 'role:migrant'));
    api.calls.length = 0;
    await postUpdate(server, textUpdate(12, 'When may I start working with an Aufenthaltsgestattung?'));
    const messages = await api.waitFor('sendMessage');
    const answer = messages.find((m) => String(m.payload.text).includes('<a href='))!;
    expect(answer.payload.parse_mode).toBe('HTML');
    expect(String(answer.payload.text)).toMatch(/<a href="https?:\/\/[^"]+">/);
    expect(String(answer.payload.text).length).toBeLessThanOrEqual(4096);
    const buttons = (answer.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(['fb:up', 'fb:down']);
    expect(api.sent('sendChatAction').length).toBeGreaterThan(0);
  });

  it('stores a 👍 and thanks the user', async () => {
    await postUpdate(server, callbackUpdate(12, 'fb:up', 777));
    await api.waitFor('answerCallbackQuery');
    const rows = await server.store.db.selectFrom('feedback').selectAll().execute();
    expect(rows).toContainEqual(expect.objectContaining({ message_ref: '777', rating: 1 }));
  });

  it('answers a retried update_id only once, also after a restart', async () => {
    const dataDir = tempDir();
    const first = await startBot(api, 'webhook', dataDir);
    const update = textUpdate(13, '/help');
    await postUpdate(first, update);
    await postUpdate(first, update);
    await api.waitFor('sendMessage');
    await first.close();
    const second = await startBot(api, 'webhook', dataDir);
    expect((await postUpdate(second, update)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(api.sent().filter((c) => c.payload.chat_id === 13)).toHaveLength(1);
    await second.close();
  });

  it('replies to a sticker in the user’s language, and never stays silent', async () => {
    await postUpdate(server, stickerUpdate(14, 'uk'));
    const [message] = await api.waitFor('sendMessage');
    expect(String(message!.payload.text)).toMatch(/[а-яіїє]/i);
    expect(String(message!.payload.text)).toContain('/human');
  });

  it('ignores messages in group chats', async () => {
    await postUpdate(server, textUpdate(15, 'hello everyone', { chatType: 'supergroup' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(api.sent()).toHaveLength(0);
  });

  it('sends the user their data as a file on "/privacy export"', async () => {
    await postUpdate(server, textUpdate(16, '/start piemonte'));
    await postUpdate(server, callbackUpdate(16, 'role:employer'));
    await postUpdate(server, textUpdate(16, '/privacy export'));
    const [document] = await api.waitFor('sendDocument');
    const raw = String(document!.payload.raw);
    expect(raw).toMatch(/filename="?my-data\.json/);
    expect(raw).toContain('"channel": "telegram"');
  });
});

describe('Telegram long polling', () => {
  it('answers updates fetched with getUpdates, honouring a 429 with retry_after', async () => {
    const api = await new TelegramDouble().start();
    const server = await startBot(api, 'polling');
    api.failWith429('sendMessage');
    api.push(textUpdate(21, '/help'));
    const [message] = await api.waitFor('sendMessage', 1, 15_000);
    expect(String(message!.payload.text)).toContain('/human');
    expect(api.calls.map((c) => c.method)).toContain('sendMessage:429');
    await server.close();
    await api.stop();
  });
});

describe('Telegram ordering', () => {
  it('answers one chat’s commands in the order they were sent', async () => {
    const api = await new TelegramDouble().start();
    const server = await startBot(api, 'polling');
    for (const text of ['/help', '/privacy', '/role']) api.push(textUpdate(31, text));
    const sent = await api.waitFor('sendMessage', 3, 15_000);
    const texts = sent.filter((c) => c.payload.chat_id === 31).map((c) => String(c.payload.text));
    expect(texts[0]).toContain('/human');
    expect(texts[1]).toContain('/privacy export');
    expect(texts[2]).toMatch(/\/role migrant/);
    await server.close();
    await api.stop();
  });
});
