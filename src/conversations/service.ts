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

  constructor(
    readonly engine: Engine,
    readonly store: Store,
  ) {}

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
          const delivery = await this.process(group.map((p) => p.message));
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
    return delivery;
  }
}
