import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { startChatDouble } from '../doubles/openai.js';
import { callbackUpdate, TelegramDouble, textUpdate } from '../doubles/telegram.js';
import { telegramEnv, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('Telegram with an LLM', () => {
  it('shows the answer growing in one message, then replaces it with the final cited answer', async () => {
    const model = await startChatDouble(() => ({
      stream: ['Asylum seekers in Germany may not work ', 'during the first 3 months ', 'after applying [1]. ', 'After that the Ausländerbehörde decides [1].'],
    }));
    const api = await new TelegramDouble().start();
    const dir = tempDir();
    dirs.push(dir);
    const config = loadConfig(telegramEnv(dir, api.url, 'stream-secret', { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: model.url }));
    const server = await startServer(config, { channels: [telegramChannel], log: () => undefined });
    const post = (update: unknown) =>
      fetch(`${server.url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'stream-secret' },
        body: JSON.stringify(update),
      });
    await post(textUpdate(61, '/start burgenlandkreis'));
    await post(callbackUpdate(61, 'role:migrant'));
    api.calls.length = 0;
    await post(textUpdate(61, 'When can an asylum seeker start working?'));
    const draft = api.sent().find((c) => String(c.payload.text).endsWith('…'));
    expect(draft).toBeDefined();
    const final = api.sent('editMessageText').at(-1)!;
    expect(final.payload.parse_mode).toBe('HTML');
    expect(String(final.payload.text)).toContain('[1]');
    expect(String(final.payload.text)).toMatch(/<a href="https?:/);
    expect(model.requests[0]!.stream).toBe(true);
    await server.close();
    await api.stop();
    await model.close();
  });
});
