import type { Engine } from '../engine/index.js';
import type { EngineResult, IncomingMessage } from '../engine/types.js';
import type { Store, UserExport } from '../store/index.js';

export interface Delivery extends EngineResult {
  conversationId: string;
  userId: string;
  /** Filled when the user asked for a copy of their data. */
  export?: UserExport;
}

/**
 * Runs the engine for one user's messages, in order, and keeps the store up to date: the
 * conversation state, the messages (only once the privacy notice was shown), handoff
 * events, and the user's data rights.
 */
export class ConversationService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly engine: Engine,
    readonly store: Store,
  ) {}

  /** Handles a message, or a burst of messages, after any earlier message of the same user. */
  receive(messages: IncomingMessage | IncomingMessage[]): Promise<Delivery> {
    const list = Array.isArray(messages) ? messages : [messages];
    const first = list[0]!;
    const key = `${first.channel}:${first.userId}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.process(list));
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
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
