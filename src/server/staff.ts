import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { HandoffService, StaffAction, StaffActor, StaffSink } from '../handoff/index.js';
import type { Knowledge } from '../knowledge/types.js';
import type { ConversationSummary, Store } from '../store/index.js';
import { HttpError, sendJson } from './http.js';
import type { Hub } from './hub.js';

const STAFF_TOPIC = 'staff';

/** The web console as a staff sink: every handoff event is pushed to open consoles. */
export function consoleSink(hub: Hub): StaffSink {
  const push = (type: string, conversation: ConversationSummary, extra: Record<string, unknown> = {}) =>
    hub.publish(STAFF_TOPIC, { type, conversationId: conversation.id, regionId: conversation.state.regionId, handoff: conversation.state.handoff, ...extra });
  return {
    name: 'console',
    async escalated(notice) {
      push('escalated', notice.conversation, { reason: notice.reason, at: notice.at });
    },
    async userMessage(conversation, text, translated) {
      push('message', conversation, { direction: 'in', text, translated });
    },
    async staffMessage(conversation, actor, text) {
      push('message', conversation, { direction: 'staff', author: actor.firstName, text });
    },
    async changed(change) {
      push('changed', change.conversation, { from: change.from, to: change.to, note: change.note });
    },
  };
}

const replyBody = z.object({ text: z.string().trim().min(1).max(4000), name: z.string().trim().min(1).max(40).optional() });
const actionBody = z.object({ name: z.string().trim().min(1).max(40).optional() });

/**
 * The staff API behind the console (/staff/api/…), for holders of STAFF_TOKEN: the queue per
 * region, a transcript, claim, reply, return, close, silence, and live events. Every refused
 * attempt is logged, without the token.
 */
export function staffApi(options: { token: string; store: Store; handoff: HandoffService; knowledge: Knowledge; hub: Hub; log: (line: string) => void }) {
  const { store, handoff, knowledge, hub, log } = options;
  const expected = Buffer.from(options.token);

  function authorize(req: IncomingMessage, url: URL): void {
    const header = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('token') ?? '';
    const given = Buffer.from(header);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log(`staff: refused ${req.method} ${url.pathname} from ${req.socket.remoteAddress ?? '?'}`);
      throw new HttpError(401, 'staff token required');
    }
  }

  const actorOf = (name: string | undefined): StaffActor => ({ id: name ?? 'console', firstName: name ?? 'Staff', via: 'console' });

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<unknown>): Promise<boolean> {
    if (!url.pathname.startsWith('/staff/api/')) return false;
    authorize(req, url);
    const path = url.pathname.slice('/staff/api'.length);
    if (req.method === 'GET' && path === '/events') {
      hub.stream(STAFF_TOPIC, res);
      return true;
    }
    if (req.method === 'GET' && path === '/queue') {
      const regionId = url.searchParams.get('region') ?? undefined;
      const open = await store.listConversations(['queued', 'staff'], regionId);
      const silenced = (await store.listConversations(['bot'], regionId)).filter((c) => c.state.botSilenced);
      const regions = [];
      for (const region of knowledge.regions.values()) {
        if (regionId && region.id !== regionId) continue;
        regions.push({ id: region.id, name: region.name, ...(await handoff.stats(region.id)) });
      }
      sendJson(res, 200, {
        regions,
        conversations: [...open, ...silenced].map((c) => ({
          id: c.id,
          regionId: c.state.regionId,
          role: c.state.role,
          lang: c.state.lang,
          handoff: c.state.handoff,
          silenced: Boolean(c.state.botSilenced),
          channel: c.channel,
          updatedAt: c.updatedAt,
        })),
      });
      return true;
    }
    const match = /^\/conversations\/([0-9a-f-]{36})(?:\/(claim|reply|return|close|silence|unsilence|export|delete))?$/.exec(path);
    if (!match) throw new HttpError(404, 'not found');
    const [, id, action] = match;
    const conversation = await store.getConversationSummary(id!);
    if (!conversation) throw new HttpError(404, 'no such conversation');
    if (req.method === 'GET' && !action) {
      sendJson(res, 200, {
        id: conversation.id,
        regionId: conversation.state.regionId,
        role: conversation.state.role,
        lang: conversation.state.lang,
        handoff: conversation.state.handoff,
        silenced: Boolean(conversation.state.botSilenced),
        messages: (await store.listMessages(conversation.id)).map((m) => ({ direction: m.direction, author: m.author, text: m.text, at: m.createdAt })),
        events: await store.listHandoffEvents(conversation.id),
      });
      return true;
    }
    if (req.method !== 'POST' || !action) throw new HttpError(405, 'method not allowed');
    // The user's rights, exercised by staff on the user's request (e.g. by phone at the office).
    if (action === 'export') {
      sendJson(res, 200, await store.exportUser(conversation.userId));
      return true;
    }
    if (action === 'delete') {
      await store.deleteUser(conversation.userId);
      log(`staff: deleted the data of a user on request (conversation ${conversation.id.slice(0, 8)})`);
      sendJson(res, 200, { outcome: 'deleted' });
      return true;
    }
    let outcome;
    if (action === 'reply') {
      const parsed = replyBody.safeParse(await body());
      if (!parsed.success) throw new HttpError(400, 'text is required (1-4000 characters)');
      outcome = await handoff.reply(conversation.id, actorOf(parsed.data.name), parsed.data.text);
    } else {
      const parsed = actionBody.safeParse((await body()) ?? {});
      outcome = await handoff.perform(action as StaffAction, conversation.id, actorOf(parsed.success ? parsed.data.name : undefined));
    }
    sendJson(res, outcome === 'refused' ? 409 : 200, { outcome });
    return true;
  };
}
