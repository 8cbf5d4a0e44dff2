import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { createAssistant, type Assistant } from '../app.js';
import type { Config } from '../config/index.js';
import pino from 'pino';
import { ConversationService, RateLimiter } from '../conversations/index.js';
import { runRetention } from '../privacy/retention.js';
import { ReplicaLink } from '../replicas/index.js';
import { createMetrics } from './metrics.js';
import { MAX_MESSAGE_CHARS, type Reply } from '../engine/index.js';
import { HandoffService } from '../handoff/index.js';
import { SUPPORTED_LANGUAGES } from '../i18n/index.js';
import { Store } from '../store/index.js';
import type { Channel, ChannelFactory } from './channel.js';
import { HttpError, readJson, sendJson } from './http.js';
import { Hub } from './hub.js';
import { consoleSink, staffApi } from './staff.js';

const WEB_CHAT = path.join(import.meta.dirname, 'web', 'chat.html');
const STAFF_CONSOLE = path.join(import.meta.dirname, 'web', 'staff.html');
/** How often queued cases are checked for users who waited too long. */
const UNCLAIMED_CHECK_MS = 60_000;
/** How often the retention rules run. */
const RETENTION_EVERY_MS = 6 * 3_600_000;
/** Requests per minute one address may make to the web chat and staff API. */
const REQUESTS_PER_IP_PER_MINUTE = 120;

const chatRequest = z.object({
  userId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  text: z.string().max(MAX_MESSAGE_CHARS * 2).optional(),
  choice: z.string().max(100).optional(),
  lang: z.string().max(10).optional(),
});

export interface RunningServer {
  server: Server;
  url: string;
  assistant: Assistant;
  store: Store;
  conversations: ConversationService;
  handoff: HandoffService;
  staffToken: string;
  close(): Promise<void>;
}

const publicReply = (r: Reply) => ({ kind: r.kind, lang: r.lang, dir: r.dir, parts: r.parts, text: r.text, choices: r.choices ?? [] });

/**
 * The one HTTP server: the web chat (GET /, POST /api/chat, live staff replies on
 * /api/chat/events), the staff console (GET /staff, /staff/api/…), GET /healthz, and the
 * channels' webhooks.
 */
export async function startServer(
  config: Config,
  options: { log?: (line: string) => void; channels?: ChannelFactory[] } = {},
): Promise<RunningServer> {
  // JSON logs (pino) carry ids and events, never message text, names or phone numbers.
  const logger = pino({ level: config.logLevel });
  const log = options.log ?? ((line: string) => logger.info(line));
  const assistant = await createAssistant(config);
  const store = await Store.open(config);
  const link = config.redisUrl ? new ReplicaLink(config.redisUrl) : undefined;
  const conversations = new ConversationService(assistant.engine, store, { shared: link });
  const metrics = createMetrics(conversations, store);
  const perIp = new RateLimiter(REQUESTS_PER_IP_PER_MINUTE, 60_000);
  const allowIp = (ip: string) => (link ? link.allow(`ip:${ip}`, REQUESTS_PER_IP_PER_MINUTE, 60_000) : perIp.allow(ip));
  const hub = new Hub(link);
  const handoff = new HandoffService(store, conversations, assistant.knowledge, assistant.i18n, { log, help: assistant.staffHelp });
  handoff.addSink(consoleSink(hub));
  handoff.setUserDelivery('web', async (userId, replies) => hub.publish(`web:${userId}`, { replies: replies.map(publicReply) }));

  let staffToken = config.staffToken;
  if (!staffToken) {
    staffToken = randomBytes(18).toString('base64url');
    log(`milestone: STAFF_TOKEN is not set; the staff console at /staff takes this token until restart: ${staffToken}`);
  }
  const staff = staffApi({ token: staffToken, store, handoff, knowledge: assistant.knowledge, hub, log });

  const channels: Channel[] = [];
  for (const factory of options.channels ?? []) {
    const channel = await factory({ config, assistant, store, conversations, handoff, log });
    if (channel) channels.push(channel);
  }
  const routes = new Map(channels.flatMap((c) => c.routes).map((r) => [`${r.method} ${r.path}`, r]));
  const pages = { chat: readFileSync(WEB_CHAT, 'utf8'), staff: readFileSync(STAFF_CONSOLE, 'utf8') };
  const regions = [...assistant.knowledge.regions.values()].map((r) => ({ id: r.id, name: r.localName }));
  const html = (res: import('node:http').ServerResponse, page: string) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    res.end(page);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (req.method === 'GET' && url.pathname === '/healthz') {
          return sendJson(res, 200, { ok: true, documents: assistant.knowledge.documents.length });
        }
        if (req.method === 'GET' && url.pathname === '/readyz') {
          // Ready when the store answers too (a database restart makes this fail until it is back).
          await store.db.selectFrom('users').select('id').limit(1).execute();
          return sendJson(res, 200, { ready: true });
        }
        if (req.method === 'GET' && url.pathname === '/metrics') {
          res.writeHead(200, { 'content-type': metrics.contentType });
          return res.end(await metrics.metrics());
        }
        // Web chat and staff console are open to the internet: limit each address.
        if ((url.pathname.startsWith('/api/chat') || url.pathname.startsWith('/staff/api')) && !(await allowIp(req.socket.remoteAddress ?? '?'))) {
          throw new HttpError(429, 'too many requests; wait a minute');
        }
        if (req.method === 'GET' && url.pathname === '/') return html(res, pages.chat);
        if (req.method === 'GET' && url.pathname === '/staff') return html(res, pages.staff);
        if (await staff(req, res, url, () => readJson(req))) return;
        const route = routes.get(`${req.method} ${url.pathname}`);
        if (route) {
          const body = req.method === 'POST' ? await readJson(req) : undefined;
          return await route.handle(req, res, body);
        }
        if (req.method === 'GET' && url.pathname === '/api/regions') {
          return sendJson(res, 200, { regions, languages: SUPPORTED_LANGUAGES.filter((l) => assistant.i18n.has(l)) });
        }
        if (req.method === 'GET' && url.pathname === '/api/chat/events') {
          const userId = url.searchParams.get('userId') ?? '';
          if (!/^[A-Za-z0-9_-]{8,64}$/.test(userId)) throw new HttpError(400, 'invalid userId');
          return hub.stream(`web:${userId}`, res);
        }
        if (req.method === 'POST' && url.pathname === '/api/chat') {
          const parsed = chatRequest.safeParse(await readJson(req));
          if (!parsed.success) throw new HttpError(400, `invalid request: ${parsed.error.issues[0]!.path.join('.')}`);
          const { userId, text, choice, lang } = parsed.data;
          const delivery = await conversations.receive({
            channel: 'web',
            userId,
            kind: 'text',
            text,
            choice,
            languageHint: lang,
            // With an LLM, the page shows the answer as it is written.
            onPartial: (partial) => hub.publish(`web:${userId}`, { partial }),
          });
          return sendJson(res, 200, { replies: delivery.replies.map(publicReply), escalated: Boolean(delivery.escalation) });
        }
        throw new HttpError(404, 'not found');
      } catch (error) {
        if (res.headersSent) return void res.end();
        if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
        log(`http: ${req.method} ${url.pathname} failed: ${(error as Error).message}`);
        return sendJson(res, 500, { error: 'internal error' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  const reminder = setInterval(() => void handoff.remindUnclaimed().catch((e: Error) => log(`handoff: ${e.message}`)), UNCLAIMED_CHECK_MS);
  reminder.unref();
  const retention = setInterval(
    () =>
      void runRetention(store, assistant.knowledge, { apply: true })
        .then((reports) => log(`retention: ${reports.map((r) => `${r.regionId} closed ${r.closed} purged ${r.purgedConversations}`).join('; ')}`))
        .catch((e: Error) => log(`retention: ${e.message}`)),
    RETENTION_EVERY_MS,
  );
  retention.unref();
  log(
    `milestone: web chat on ${url}/, staff console on ${url}/staff (${assistant.knowledge.documents.length} documents, ${assistant.knowledge.regions.size} regions)` +
      (channels.length ? `; channels: ${channels.map((c) => c.name).join(', ')}` : ''),
  );
  return {
    server,
    url,
    assistant,
    store,
    conversations,
    handoff,
    staffToken,
    /** Stops taking new work, lets requests in flight finish (10 s at most), then closes the store. */
    async close() {
      clearInterval(reminder);
      clearInterval(retention);
      for (const channel of channels) await channel.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      hub.endAll();
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(deadline);
      await store.close();
      await link?.close();
    },
  };
}
