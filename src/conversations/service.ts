import { makeReply, type Engine } from '../engine/index.js';
import { newConversationState, type EngineResult, type IncomingMessage } from '../engine/types.js';
import { redactPersonalData } from '../privacy/redact.js';
import { RateLimiter } from './limits.js';
import type { Store, UserExport } from '../store/index.js';

export interface Delivery extends EngineResult {
  conversationId: string;
  userId: string;
  /** Filled when the user asked for a copy of their data. */
  export?: UserExport;
  /** Milliseconds the engine and the store took for this message or burst. */
  elapsedMs?: number;
  /**
   * True for a message that was answered together with later ones of the same burst:
   * its replies are in the delivery of the burst's last message, and it has none itself.
   */
  merged?: boolean;
  /** True when the message was refused by the per-user rate limit. */
  limited?: boolean;
}

/** Messages per user and minute before the rate limit answers instead of the engine. */
const MESSAGES_PER_MINUTE = 20;

/** What replicas share (Redis): the conversation lock and the rate-limit counters. */
export interface SharedCoordination {
  withLock<T>(key: string, task: () => Promise<T>): Promise<T>;
  allow(key: string, limit: number, windowMs: number): Promise<boolean>;
}

/** Told of every delivery, after it was stored: the handoff listens here. */
export type DeliveryListener = (delivery: Delivery, messages: IncomingMessage[]) => Promise<void>;

interface Pending {
  message: IncomingMessage;
  resolve: (delivery: Delivery) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs the engine for one user's messages, in order, and keeps the store up to date: the
 * conversation state, the messages (only once the privacy notice was shown), handoff
 * events, and the user's data rights. Messages that arrive while the user's previous one is
 * being answered are answered together, once: a burst of short messages gets one answer.
 */
export class ConversationService {
  private readonly busy = new Set<string>();
  private readonly waiting = new Map<string, Pending[]>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners: DeliveryListener[] = [];

  private readonly limiter: RateLimiter;
  private readonly limitNotices = new RateLimiter(1, 60_000);
  private readonly perMinute: number;
  private readonly shared?: SharedCoordination;

  constructor(
    readonly engine: Engine,
    readonly store: Store,
    options: { messagesPerMinute?: number; shared?: SharedCoordination } = {},
  ) {
    this.perMinute = options.messagesPerMinute ?? MESSAGES_PER_MINUTE;
    this.limiter = new RateLimiter(this.perMinute, 60_000);
    this.shared = options.shared;
  }

  /** Called after each processed message (or burst), inside the conversation's lock. */
  onDelivery(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `task` while no message of this user is being processed, and holds their next
   * messages until it is done: staff actions and the engine never change a conversation at once.
   */
  exclusive<T>(channel: string, channelUserId: string, task: () => Promise<T>): Promise<T> {
    const key = `${channel}:${channelUserId}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    // In one process a promise chain orders the work; across replicas the shared lock does.
    const guarded = this.shared ? () => this.shared!.withLock(`conversation:${key}`, task) : task;
    const run = previous.catch(() => undefined).then(guarded);
    this.locks.set(key, run);
    void run.finally(() => {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }).catch(() => undefined);
    return run;
  }

  receive(message: IncomingMessage): Promise<Delivery> {
    const key = `${message.channel}:${message.userId}`;
    // A flood from one account is answered with one short note and never reaches the engine,
    // so it does not slow anybody else.
    if (!this.shared && !this.limiter.allow(key)) return Promise.resolve(this.limited(message, this.limitNotices.allow(key)));
    return new Promise<Delivery>((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ message, resolve, reject });
      this.waiting.set(key, queue);
      if (!this.busy.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.busy.add(key);
    try {
      for (let batch = await this.admit(key, this.take(key)); batch.length; batch = await this.admit(key, this.take(key))) {
        // Commands and button presses are answered one by one; plain text is merged.
        const cut = batch.findIndex((p) => p.message.choice || p.message.text?.trim().startsWith('/'));
        const group = cut > 0 ? batch.slice(0, cut) : cut === 0 ? batch.slice(0, 1) : batch;
        const rest = batch.slice(group.length);
        if (rest.length) this.waiting.set(key, [...rest, ...(this.waiting.get(key) ?? [])]);
        try {
          const first = group[0]!.message;
          const last = group[group.length - 1]!.message;
          const delivery = await this.exclusive(first.channel, first.userId, async () => {
            const result = await this.process(group.map((p) => p.message));
            await last.deliver?.(result);
            return result;
          });
          group.slice(0, -1).forEach((p) => p.resolve({ ...delivery, replies: [], events: [], merged: true }));
          group[group.length - 1]!.resolve(delivery);
        } catch (error) {
          group.forEach((p) => p.reject(error));
        }
      }
    } finally {
      this.busy.delete(key);
    }
  }

  /** The over-limit note is sent once a minute; further messages of the flood get no reply. */
  private limited(message: IncomingMessage, notify: boolean): Delivery {
    const tr = this.engine.translator(message.languageHint);
    const replies = notify ? [makeReply('notice', tr, [tr.t('input.rate_limited')])] : [];
    return { replies, state: newConversationState(), events: [], lang: tr.lang, conversationId: '', userId: '', limited: true };
  }

  /** With replicas, the per-user limit is counted in Redis, in arrival order; refused messages get the note. */
  private async admit(key: string, batch: Pending[]): Promise<Pending[]> {
    if (!this.shared) return batch;
    const admitted: Pending[] = [];
    for (const pending of batch) {
      if (await this.shared.allow(`user:${key}`, this.perMinute, 60_000)) admitted.push(pending);
      else pending.resolve(this.limited(pending.message, await this.shared.allow(`notice:${key}`, 1, 60_000)));
    }
    return admitted;
  }

  private take(key: string): Pending[] {
    const batch = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    return batch;
  }

  private async process(messages: IncomingMessage[]): Promise<Delivery> {
    const first = messages[0]!;
    const userId = await this.store.ensureUser(first.channel, first.userId);
    const conversation = await this.store.openConversation(userId);
    const before = conversation.state;
    const started = performance.now();
    const result = await this.engine.handleBurst(messages, before);
    const delivery: Delivery = { ...result, conversationId: conversation.id, userId };

    if (result.events.some((e) => e.type === 'delete-data')) {
      await this.store.deleteUser(userId);
      return delivery;
    }
    if (result.state.privacyNoticeAt) {
      for (const message of messages) {
        if (message.text?.trim()) {
          await this.store.addMessage({ conversationId: conversation.id, direction: 'in', author: null, text: message.text.trim(), lang: result.lang });
        }
      }
      for (const reply of result.replies) {
        await this.store.addMessage({ conversationId: conversation.id, direction: 'out', author: 'bot', text: reply.text, lang: reply.lang });
      }
    }
    for (const event of result.events) {
      if (event.type === 'escalate' && before.handoff !== result.state.handoff) {
        await this.store.addHandoffEvent({
          conversationId: conversation.id,
          from: before.handoff,
          to: result.state.handoff,
          actor: 'bot',
          reason: event.reason,
        });
      }
      if (event.type === 'export-data') delivery.export = await this.store.exportUser(userId);
    }
    for (const event of result.events) {
      if (event.type === 'unanswered' && result.state.regionId) {
        await this.store.addUnanswered(result.state.regionId, redactPersonalData(event.question), result.lang);
      }
    }
    await this.store.saveState(conversation.id, result.state);
    delivery.elapsedMs = performance.now() - started;
    for (const listener of this.listeners) await listener(delivery, messages);
    return delivery;
  }
}
