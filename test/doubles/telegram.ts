import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** When the call arrived (ms since epoch). */
  at: number;
}

/**
 * A local Telegram Bot API server: answers the methods the bot uses with the documented
 * result shapes, records every call, serves getUpdates (long polling) from a queue, and can
 * answer 429 with retry_after to test flood control.
 */
export class TelegramDouble {
  readonly calls: ApiCall[] = [];
  private server?: Server;
  private updates: unknown[] = [];
  private waiters: (() => void)[] = [];
  private nextMessageId = 100;
  private failures = new Map<string, number>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req).then((body) => {
      res.writeHead(body.ok ? 200 : (body.error_code as number), { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.waiters.forEach((wake) => wake());
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Queues an update for getUpdates. */
  push(update: unknown): void {
    this.updates.push(update);
    this.waiters.splice(0).forEach((wake) => wake());
  }

  /** The next `count` calls of `method` answer 429 (Too Many Requests). */
  failWith429(method: string, count = 1): void {
    this.failures.set(method, count);
  }

  sent(method = 'sendMessage'): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until at least `count` calls of `method` were made. */
  async waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<ApiCall[]> {
    const started = Date.now();
    while (this.sent(method).length < count) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${count} × ${method} (got ${this.sent(method).length})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.sent(method);
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    const method = (req.url ?? '').split('/').pop() ?? '';
    const payload = await readPayload(req);
    const failing = this.failures.get(method) ?? 0;
    if (failing > 0) {
      this.failures.set(method, failing - 1);
      this.calls.push({ method: `${method}:429`, payload, at: Date.now() });
      return { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } };
    }
    if (method !== 'getUpdates') this.calls.push({ method, payload, at: Date.now() });
    const chat = { id: Number(payload.chat_id ?? 0), type: 'private', first_name: 'User' };
    switch (method) {
      case 'getMe':
        return ok({ id: 7000001, is_bot: true, first_name: 'MILEstone', username: 'milestone_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'sendMessage':
        return ok({ message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, text: payload.text });
      case 'sendDocument':
        return ok({ message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, document: { file_id: 'f', file_unique_id: 'u' } });
      case 'createForumTopic':
        return ok({ message_thread_id: this.nextMessageId++, name: payload.name, icon_color: 7322096 });
      case 'copyMessage':
        return ok({ message_id: this.nextMessageId++ });
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return ok({ message_id: Number(payload.message_id ?? 1), date: 0, chat, text: payload.text ?? '' });
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        const pending = () => this.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
        if (!pending().length) await new Promise<void>((resolve) => {
          this.waiters.push(resolve);
          setTimeout(resolve, 500);
        });
        return ok(pending());
      }
      default:
        return ok(true);
    }
  }
}

function ok(result: unknown) {
  return { ok: true, result };
}

async function readPayload(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  if (type.includes('multipart/form-data')) {
    const fields: Record<string, unknown> = { raw };
    for (const match of raw.matchAll(/name="([^"]+)"(?:; filename="([^"]+)")?\r\n(?:Content-Type: [^\r]+\r\n)?\r\n([\s\S]*?)\r\n--/g)) {
      fields[match[1]!] = match[2] ? { filename: match[2], content: match[3] } : match[3];
    }
    return fields;
  }
  return {};
}

let updateId = 5000;

/** A private text message update, shaped as in the Bot API documentation. */
export function textUpdate(userId: number, text: string, options: { languageCode?: string; updateId?: number; chatType?: 'private' | 'supergroup' } = {}) {
  const chatType = options.chatType ?? 'private';
  return {
    update_id: options.updateId ?? updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id: userId, is_bot: false, first_name: 'Amina', language_code: options.languageCode ?? 'en' },
      chat: chatType === 'private' ? { id: userId, type: 'private', first_name: 'Amina' } : { id: -100123, type: 'supergroup', title: 'Staff' },
      text,
      ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}),
    },
  };
}

export function stickerUpdate(userId: number, languageCode = 'uk') {
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id: userId, is_bot: false, first_name: 'Olena', language_code: languageCode },
      chat: { id: userId, type: 'private', first_name: 'Olena' },
      sticker: { file_id: 'CAACAgIAAxkBAAE', file_unique_id: 'AgAD', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
    },
  };
}

export function callbackUpdate(userId: number, data: string, messageId = 1, chat?: { id: number; type: 'supergroup' }, firstName = 'Amina') {
  return {
    update_id: updateId++,
    callback_query: {
      id: `cb${updateId}`,
      from: { id: userId, is_bot: false, first_name: firstName, language_code: 'en' },
      chat_instance: '42',
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: chat ? { ...chat, title: 'Staff' } : { id: userId, type: 'private', first_name: firstName },
        text: 'x',
      },
    },
  };
}

/** A staff member's message in a forum topic of the staff supergroup. */
export function topicMessageUpdate(chatId: number, threadId: number, staffId: number, firstName: string, text: string) {
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      message_thread_id: threadId,
      is_topic_message: true,
      date: Math.floor(Date.now() / 1000),
      from: { id: staffId, is_bot: false, first_name: firstName, last_name: 'Staffson' },
      chat: { id: chatId, type: 'supergroup', title: 'MILEstone staff', is_forum: true },
      text,
    },
  };
}
