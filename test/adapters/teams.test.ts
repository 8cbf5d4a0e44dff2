import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsChannel } from '../../adapters/teams/index.js';
import { telegramChannel } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { botAddedToChannel, BotConnectorDouble, channelMessage, personalMessage, STAFF_CHANNEL } from '../doubles/botconnector.js';
import { callbackUpdate, TelegramDouble, textUpdate } from '../doubles/telegram.js';
import { INDEX_DIR, KNOWLEDGE_DIR, telegramEnv, tempDir } from '../helpers.js';

const dirs: string[] = [];
let connector: BotConnectorDouble;
let telegram: TelegramDouble;
let server: RunningServer;
const EMPLOYER = { aad: 'aad-employer-1', name: 'Erika Muster' };
const STAFF = { aad: 'aad-staff-1', name: 'Jonas Weber' };

beforeAll(async () => {
  connector = await new BotConnectorDouble().start();
  telegram = await new TelegramDouble().start();
  const dir = tempDir();
  dirs.push(dir);
  const config = loadConfig(telegramEnv(dir, telegram.url, 'teams-test-secret'));
  server = await startServer(config, { channels: [telegramChannel, teamsChannel], log: () => undefined });
});
afterAll(async () => {
  await server.close();
  await connector.stop();
  await telegram.stop();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const activity = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const telegramUpdate = (update: unknown) =>
  fetch(`${server.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'teams-test-secret' },
    body: JSON.stringify(update),
  });

describe('Teams personal chat (employers)', () => {
  it('onboards an employer with a region card and answers a hiring question with a checklist card and a text fallback', async () => {
    expect((await activity(personalMessage(connector.url, EMPLOYER, 'hello'))).status).toBe(200);
    const regionCard = connector.messages().find((c) => c.activity.attachments?.length)!;
    const actions = (regionCard.activity.attachments![0]!.content as { actions: { data: { choice: string } }[] }).actions;
    expect(actions.map((a) => a.data.choice)).toContain('region:burgenlandkreis');

    await activity(personalMessage(connector.url, EMPLOYER, undefined, { choice: 'region:burgenlandkreis' }));
    connector.calls.length = 0;
    await activity(personalMessage(connector.url, EMPLOYER, 'Was muss ich prüfen, wenn ich einen Mann aus Syrien einstellen will? Aufenthaltstitel?'));
    const answer = connector.messages().find((c) => c.activity.attachments?.length)!;
    expect(answer.activity.attachments![0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(answer.activity.attachments![0]!.content)).toContain('✔');
    expect(answer.activity.text).toMatch(/\]\(https?:\/\//);
  });

  it('understands commands typed without the slash', async () => {
    connector.calls.length = 0;
    await activity(personalMessage(connector.url, EMPLOYER, 'help'));
    expect(connector.messages().at(-1)!.activity.text).toContain('/human');
  });
});

describe('Teams staff channel', () => {
  it('registers a channel for a region, gets a Telegram user’s escalation as a card, and answers in its thread', async () => {
    await activity(botAddedToChannel(connector.url));
    expect(connector.messages(STAFF_CHANNEL).at(-1)!.activity.text).toMatch(/register/);
    await activity(channelMessage(connector.url, STAFF, 'register burgenlandkreis'));
    expect(connector.messages(STAFF_CHANNEL).at(-1)!.activity.text).toMatch(/Burgenlandkreis/);

    // A Telegram user asks for a person.
    await telegramUpdate(textUpdate(5151, '/start burgenlandkreis'));
    await telegramUpdate(callbackUpdate(5151, 'role:migrant'));
    await telegramUpdate(textUpdate(5151, '/human'));
    const caseCard = connector.messages(STAFF_CHANNEL).find((c) => JSON.stringify(c.activity.attachments ?? []).includes('New case'))!;
    expect(caseCard).toBeDefined();
    const content = JSON.stringify(caseCard.activity.attachments![0]!.content);
    expect(content).toContain('Claim');
    const conversationId = /"conversationId":"([0-9a-f-]{36})"/.exec(content)![1]!;
    const stored = await server.store.findStaffThread(conversationId, 'teams');
    expect(stored?.chatId).toBe(STAFF_CHANNEL);

    // A reply in the card's thread reaches the Telegram user, with the first name only.
    await activity(channelMessage(connector.url, STAFF, 'Hallo, hier ist Jonas. Wie kann ich helfen?', { threadId: stored!.threadId }));
    const sent = await telegram.waitFor('sendMessage');
    expect(sent.map((c) => String(c.payload.text))).toContain('Jonas: Hallo, hier ist Jonas. Wie kann ich helfen?');

    // Another channel cannot act on the case.
    await activity(channelMessage(connector.url, { aad: 'x', name: 'Mallory' }, '', { value: { handoff: 'close', conversationId }, channel: '19:other@thread.tacv2' }));
    expect((await server.store.getConversationSummary(conversationId))!.state.handoff).toBe('staff');

    // Close from the card's button: the user is told.
    await activity(channelMessage(connector.url, STAFF, '', { threadId: stored!.threadId, value: { handoff: 'close', conversationId } }));
    expect((await server.store.getConversationSummary(conversationId))!.state.handoff).toBe('closed');
    await telegram.waitFor('sendMessage', sent.length + 1);
    expect(telegram.sent().map((c) => String(c.payload.text)).some((t) => t.includes('How helpful'))).toBe(true);
  });
});

describe('Teams activities and errors', () => {
  it('handles or ignores other activity types without a crash', async () => {
    const base = personalMessage(connector.url, EMPLOYER, 'x');
    for (const type of ['installationUpdate', 'messageReaction', 'typing']) {
      expect((await activity({ ...base, type, text: undefined })).status).toBe(200);
    }
    const invoke = await activity({ ...base, type: 'invoke', name: 'adaptiveCard/action', value: {} });
    expect(invoke.status).toBe(200);
  });

  it('answers a malformed body with 400', async () => {
    expect((await activity('{"type": ')).status).toBe(400);
    expect((await activity({ hello: 'world' })).status).toBe(400);
  });

  it('refuses a request without a Bot Framework token when an app id is set', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const secured = await startServer(
      loadConfig({ PORT: '0', DATA_DIR: dir, KNOWLEDGE_DIR, INDEX_DIR, MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'secret' }),
      { channels: [teamsChannel], log: () => undefined },
    );
    const res = await fetch(`${secured.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(personalMessage(connector.url, EMPLOYER, 'hello')),
    });
    expect(res.status).toBe(401);
    const before = connector.calls.length;
    const forged = await fetch(`${secured.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJtZSJ9.' },
      body: JSON.stringify(personalMessage(connector.url, EMPLOYER, 'hello')),
    });
    expect(forged.status).toBe(401);
    expect(connector.calls.length).toBe(before);
    await secured.close();
  });
});
