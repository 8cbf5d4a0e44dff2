import type { Engine } from '../engine/index.js';
import type { EngineResult, IncomingMessage } from '../engine/types.js';
import type { Store, UserExport } from '../store/index.js';

export interface Delivery extends EngineResult {
  conversationId: string;
  userId: string;
  /** Filled when the user asked for a copy of their data. */
  export?: UserExport;
  /**
   * True for a message that was answered together with later ones of the same burst:
   * its replies are in the delivery of the burst's last message, and it has none itself.
   */
  merged?: boolean;
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

  constructor(
    readonly engine: Engine,
    readonly store: Store,
  ) {}

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
    const run = previous.catch(() => undefined).then(task);
    this.locks.set(key, run);
    void run.finally(() => {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }).catch(() => undefined);
    return run;
  }

  receive(message: IncomingMessage): Promise<Delivery> {
    const key = `${message.channel}:${message.userId}`;
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
      for (let batch = this.take(key); batch.length; batch = this.take(key)) {
        // Commands and button presses are answered one by one; plain text is merged.
        const cut = batch.findIndex((p) => p.message.choice || p.message.text?.trim().startsWith('/'));
        const group = cut > 0 ? batch.slice(0, cut) : cut === 0 ? batch.slice(0, 1) : batch;
        const rest = batch.slice(group.length);
        if (rest.length) this.waiting.set(key, [...rest, ...(this.waiting.get(key) ?? [])]);
        try {
          const first = group[0]!.message;
          const delivery = await this.exclusive(first.channel, first.userId, () => this.process(group.map((p) => p.message)));
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
    await this.store.saveState(conversation.id, result.state);
    for (const listener of this.listeners) await listener(delivery, messages);
    return delivery;
  }
}
