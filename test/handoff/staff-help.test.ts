import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { startChatDouble } from '../doubles/openai.js';
import { callbackUpdate, TelegramDouble, textUpdate, topicMessageUpdate } from '../doubles/telegram.js';
import { telegramEnv, tempDir } from '../helpers.js';

const STAFF_CHAT = -1005555;
const USER = 7171;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('staff work with a model', () => {
  it('get a written case summary, read the user translated, and reach the user in the user’s language', async () => {
    const model = await startChatDouble((request) => {
      const system = request.messages[0]!.content;
      const user = request.messages[1]!.content;
      if (system.includes('Summarise')) return { content: 'Asks for a person; no deadline mentioned.' };
      if (system.includes('Translate')) {
        const target = /into (\w+)\./.exec(system)?.[1];
        return { content: `[${target}] ${/<<<\n([\s\S]*)\n>>>/.exec(user)?.[1]}` };
      }
      return { content: 'NO_ANSWER' };
    });
    const api = await new TelegramDouble().start();
    const dir = tempDir();
    dirs.push(dir);
    const server = await startServer(
      loadConfig(
        telegramEnv(dir, api.url, 'help-secret', { TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT), OPENAI_API_KEY: 'test', OPENAI_BASE_URL: model.url }),
      ),
      { channels: [telegramChannel], log: () => undefined },
    );
    const post = (update: unknown) =>
      fetch(`${server.url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'help-secret' },
        body: JSON.stringify(update),
      });
    const toStaff = () => api.sent().filter((c) => String(c.payload.chat_id) === String(STAFF_CHAT)).map((c) => String(c.payload.text));
    const toUser = () => api.sent().filter((c) => String(c.payload.chat_id) === String(USER)).map((c) => String(c.payload.text));

    await post(textUpdate(USER, '/start burgenlandkreis', { languageCode: 'ar' }));
    await post(callbackUpdate(USER, 'role:migrant'));
    await post(textUpdate(USER, 'بدي احكي مع موظف حقيقي من فضلك', { languageCode: 'ar' }));
    expect(toStaff().find((t) => t.includes('New case'))).toContain('Asks for a person; no deadline mentioned.');

    const summary = api.sent().find((c) => String(c.payload.text).includes('New case'))!;
    const threadId = Number(summary.payload.message_thread_id);
    await post(topicMessageUpdate(STAFF_CHAT, threadId, 901, 'Anna', 'Hallo, wie kann ich Ihnen helfen?'));
    expect(toUser().at(-1)).toBe('Anna: [Arabic] Hallo, wie kann ich Ihnen helfen?');
    const conversationId = (await server.store.listConversations(['staff']))[0]!.id;
    const stored = (await server.store.listMessages(conversationId)).find((m) => m.direction === 'staff');
    expect(stored?.text).toBe('Hallo, wie kann ich Ihnen helfen?');

    await post(textUpdate(USER, 'عندي سؤال عن الشغل', { languageCode: 'ar' }));
    expect(toStaff().at(-1)).toContain('🌐 [German] عندي سؤال عن الشغل');
    await server.close();
    await api.stop();
    await model.close();
  });
});
