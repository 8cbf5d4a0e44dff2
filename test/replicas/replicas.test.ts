import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from '../store/backends.js';
import { callbackUpdate, TelegramDouble, textUpdate } from '../doubles/telegram.js';
import { INDEX_DIR, KNOWLEDGE_DIR, tempDir } from '../helpers.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/milestone.js');
const SECRET = 'replica-secret';
const schema = `replicas_${randomBytes(5).toString('hex')}`;
let api: TelegramDouble;
const replicas: { process: ChildProcess; url: string }[] = [];

/** Starts `milestone serve` as its own process, on PostgreSQL and Redis, in webhook mode. */
async function startReplica(): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: tempDir('milestone-replica-'),
      INDEX_DIR,
      KNOWLEDGE_DIR,
      DATABASE_URL: `${PG_URL}?options=-c%20search_path%3D${schema}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      TELEGRAM_BOT_TOKEN: '123456:TEST-token',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: api.url,
      STAFF_TOKEN: 'replica-staff-token-123',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /web chat on (http:\/\/localhost:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
  });
  const replica = { process: child, url };
  replicas.push(replica);
  return replica;
}

const post = (replica: { url: string }, update: unknown) =>
  fetch(`${replica.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
const toUser = (user: number) => api.sent().filter((c) => String(c.payload.chat_id) === String(user)).map((c) => String(c.payload.text));

beforeAll(async () => {
  api = await new TelegramDouble().start();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  await Promise.all([startReplica(), startReplica()]);
}, 120_000);

afterAll(async () => {
  for (const replica of replicas) replica.process.kill('SIGTERM');
  await api.stop();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('two replicas on PostgreSQL and Redis', () => {
  it('answer an update delivered to both once, keep one conversation in order across them, and lose nothing when one dies', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const user = 800_000 + Math.floor(Math.random() * 100_000);
    await post(a, textUpdate(user, '/start burgenlandkreis'));
    await post(b, callbackUpdate(user, 'role:migrant'));

    // The same update reaches both replicas: one answer.
    const before = toUser(user).length;
    const same = textUpdate(user, '/help');
    await Promise.all([post(a, same), post(b, same)]);
    expect(toUser(user).length - before).toBe(1);

    // A burst of one chat split over both replicas: answered in the order it was sent.
    const burst = ['/privacy', '/role', '/help'];
    const sent = burst.map((text, i) => new Promise<Response>((resolve) => setTimeout(() => resolve(post(i % 2 ? b : a, textUpdate(user, text))), i * 120)));
    await Promise.all(sent);
    const replies = toUser(user).slice(-3);
    expect(replies[0]).toContain('/privacy export');
    expect(replies[1]).toMatch(/\/role migrant/);
    expect(replies[2]).toContain('/human');

    // One replica dies mid-conversation: the other carries on with the stored state.
    a.process.kill('SIGKILL');
    await post(b, textUpdate(user, 'When can an asylum seeker start working?'));
    expect(toUser(user).at(-1)).toMatch(/<a href=/);
  }, 120_000);
});
