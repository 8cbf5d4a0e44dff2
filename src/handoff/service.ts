import type { ConversationService, Delivery } from '../conversations/index.js';
import { makeReply, shortName, type Reply } from '../engine/index.js';
import type { ConversationState, HandoffState } from '../engine/types.js';
import type { I18n } from '../i18n/index.js';
import type { Knowledge, Region } from '../knowledge/types.js';
import type { ConversationSummary, Store } from '../store/index.js';
import type { EscalationNotice, HandoffOutcome, StaffAction, StaffActor, StaffSink, UserDelivery } from './types.js';

/** How many of the last messages staff see in the escalation summary. */
const SUMMARY_MESSAGES = 8;

/** Summaries and translations for staff (with an LLM). */
export interface StaffHelp {
  summarize(transcript: string, regionName: string, staffLanguage: string): Promise<string | undefined>;
  translate(text: string, targetLang: string): Promise<string | undefined>;
}

export interface HandoffOptions {
  /** With a model: case summaries for staff, and translation between user and staff. */
  help?: StaffHelp;
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * The handoff between the bot and a region's staff: `bot` → `queued` → `staff` → `bot`
 * (or `closed`). Every change is stored with who, when and why; staff see cases on every
 * registered sink; staff messages reach the user on the user's own channel. Each action
 * runs inside the conversation's lock, so a button pressed twice acts once.
 */
export class HandoffService {
  private readonly sinks: StaffSink[] = [];
  private readonly deliveries = new Map<string, UserDelivery>();
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly knowledge: Knowledge,
    private readonly i18n: I18n,
    private readonly options: HandoffOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    conversations.onDelivery((delivery) => this.afterDelivery(delivery));
  }

  addSink(sink: StaffSink): void {
    this.sinks.push(sink);
  }

  /** How staff messages reach users of a channel ('telegram', 'web', 'teams'). */
  setUserDelivery(channel: string, delivery: UserDelivery): void {
    this.deliveries.set(channel, delivery);
  }

  /** The engine escalated, or the user wrote while staff hold the chat: tell the staff. */
  private async afterDelivery(delivery: Delivery): Promise<void> {
    const conversation = await this.store.getConversationSummary(delivery.conversationId);
    if (!conversation) return;
    for (const event of delivery.events) {
      if (event.type === 'escalate' && delivery.state.handoff === 'queued') {
        await this.notifyEscalation(conversation, event.reason);
      } else if (event.type === 'forward-to-staff') {
        const messages = await this.store.listMessages(conversation.id);
        const text = messages.filter((m) => m.direction === 'in').at(-1)?.text ?? '(non-text message)';
        const staffLang = this.staffLanguage(conversation.state);
        const translated = this.options.help && conversation.state.lang && conversation.state.lang !== staffLang ? await this.options.help.translate(text, staffLang) : undefined;
        await this.broadcast((sink) => sink.userMessage(conversation, text, translated));
      } else if (event.type === 'rating') {
        await this.store.addFeedback(conversation.id, 'handoff-rating', event.value);
      }
    }
  }

  private async notifyEscalation(conversation: ConversationSummary, reason: string): Promise<void> {
    const region = this.region(conversation.state);
    const messages = await this.store.listMessages(conversation.id);
    const notice: EscalationNotice = {
      conversation,
      regionId: region?.id ?? 'unknown',
      regionName: region?.name ?? 'unknown region',
      role: conversation.state.role ?? 'unknown',
      lang: conversation.state.lang ?? 'en',
      reason,
      recent: messages.slice(-SUMMARY_MESSAGES),
      at: this.now(),
    };
    if (this.options.help) {
      const transcript = notice.recent.map((m) => `${m.direction === 'in' ? 'user' : m.direction === 'staff' ? 'staff' : 'assistant'}: ${m.text}`).join('\n');
      notice.summary = await this.options.help.summarize(transcript, notice.regionName, this.staffLanguage(conversation.state));
    }
    await this.broadcast((sink) => sink.escalated(notice));
  }

  /** A staff member takes the conversation: the bot goes silent, the user is told who is there. */
  claim(conversationId: string, actor: StaffActor): Promise<HandoffOutcome> {
    return this.act(conversationId, actor, ['queued', 'bot'], 'staff', 'claimed', (tr, region) => [
      tr.t('handoff.claimed', { name: actor.firstName, region: region ? shortName(region) : '' }),
    ]);
  }

  /** Back to the bot: the user is told, and the bot answers the next question. */
  returnToBot(conversationId: string, actor: StaffActor): Promise<HandoffOutcome> {
    return this.act(conversationId, actor, ['queued', 'staff'], 'bot', 'returned', (tr) => [tr.t('handoff.returned')]);
  }

  /** Closes the case; the user is asked to rate the help from 1 to 5. */
  close(conversationId: string, actor: StaffActor): Promise<HandoffOutcome> {
    return this.act(conversationId, actor, ['queued', 'staff', 'bot'], 'closed', 'closed', (tr, region) => [
      tr.t('handoff.closed', { region: region ? shortName(region) : '' }),
    ]);
  }

  /** A staff action by name, as buttons and the console send it. */
  perform(action: StaffAction, conversationId: string, actor: StaffActor): Promise<HandoffOutcome> {
    switch (action) {
      case 'claim':
        return this.claim(conversationId, actor);
      case 'return':
        return this.returnToBot(conversationId, actor);
      case 'close':
        return this.close(conversationId, actor);
      case 'silence':
      case 'unsilence':
        return this.silence(conversationId, actor, action === 'silence');
    }
  }

  /** Keeps the bot silent in one conversation (or lets it speak again) without a takeover. */
  async silence(conversationId: string, actor: StaffActor, silenced: boolean): Promise<HandoffOutcome> {
    const conversation = await this.store.getConversationSummary(conversationId);
    if (!conversation) return 'refused';
    return this.conversations.exclusive(conversation.channel, conversation.channelUserId, async () => {
      const current = (await this.store.getConversationSummary(conversationId))!;
      if (Boolean(current.state.botSilenced) === silenced) return 'unchanged';
      await this.store.saveState(conversationId, { ...current.state, botSilenced: silenced });
      await this.store.addHandoffEvent({
        conversationId,
        from: current.state.handoff,
        to: current.state.handoff,
        actor: actorLabel(actor),
        reason: silenced ? 'silenced' : 'unsilenced',
      });
      const fresh = (await this.store.getConversationSummary(conversationId))!;
      await this.broadcast((sink) => sink.changed({ conversation: fresh, from: current.state.handoff, to: current.state.handoff, actor, note: silenced ? 'silenced' : 'unsilenced' }));
      return 'done';
    });
  }

  /**
   * A staff message for the user. The first reply of a queued case claims it. The user sees
   * the staff member's first name only.
   */
  async reply(conversationId: string, actor: StaffActor, text: string): Promise<HandoffOutcome> {
    const conversation = await this.store.getConversationSummary(conversationId);
    if (!conversation || !text.trim()) return 'refused';
    if (conversation.state.handoff === 'queued' || conversation.state.handoff === 'bot') await this.claim(conversationId, actor);
    return this.conversations.exclusive(conversation.channel, conversation.channelUserId, async () => {
      const current = (await this.store.getConversationSummary(conversationId))!;
      if (current.state.handoff !== 'staff') return 'refused';
      const tr = this.i18n.translator(current.state.lang ?? 'en');
      // Staff may write in their own language: the user reads it in theirs; the original is kept.
      const userLang = current.state.lang ?? 'en';
      const translated = this.options.help && userLang !== this.staffLanguage(current.state) ? await this.options.help.translate(text, userLang) : undefined;
      await this.store.addMessage({ conversationId, direction: 'staff', author: actor.firstName, text, lang: null, meta: translated ? { translated } : undefined });
      await this.deliver(current, [makeReply('notice', tr, [`${actor.firstName}: ${translated ?? text}`])]);
      await this.broadcast((sink) => sink.staffMessage(current, actor, text));
      return 'done';
    });
  }

  /**
   * Gives users whose case has waited unclaimed longer than their region's limit
   * (regions.yaml `unclaimed_minutes`, default 30) the office's own contact, once; the case
   * stays queued. Run by the server every minute.
   */
  async remindUnclaimed(): Promise<number> {
    let reminded = 0;
    for (const conversation of await this.store.listConversations(['queued'])) {
      const limit = (this.region(conversation.state)?.unclaimedMinutes ?? 30) * 60_000;
      const events = await this.store.listHandoffEvents(conversation.id);
      const queuedAt = events.filter((e) => e.to === 'queued').at(-1)?.createdAt ?? conversation.updatedAt;
      if (conversation.state.unclaimedNoticeAt || this.now() - queuedAt < limit) continue;
      await this.conversations.exclusive(conversation.channel, conversation.channelUserId, async () => {
        const current = (await this.store.getConversationSummary(conversation.id))!;
        if (current.state.handoff !== 'queued' || current.state.unclaimedNoticeAt) return;
        await this.store.saveState(current.id, { ...current.state, unclaimedNoticeAt: new Date(this.now()).toISOString() });
        const region = this.region(current.state);
        const office = region?.offices.find((o) => o.id === region.contactOffice);
        const tr = this.i18n.translator(current.state.lang ?? 'en');
        await this.deliver(current, [
          makeReply('notice', tr, [tr.t('handoff.unclaimed', { office: office?.name ?? '', contact: office?.phone ?? office?.url ?? '' })]),
        ]);
        reminded += 1;
      });
    }
    return reminded;
  }

  /** Per region: open cases, and the median minutes to the first staff reply and to closing. */
  async stats(regionId?: string): Promise<{ queued: number; withStaff: number; medianFirstReplyMinutes: number | null; medianCloseMinutes: number | null }> {
    const open = await this.store.listConversations(['queued', 'staff'], regionId);
    const firstReply: number[] = [];
    const toClose: number[] = [];
    let rows = this.store.db
      .selectFrom('handoff_events')
      .innerJoin('conversations', 'conversations.id', 'handoff_events.conversation_id')
      .select(['handoff_events.conversation_id as id', 'handoff_events.to_state as to', 'handoff_events.created_at as at'])
      .orderBy('handoff_events.created_at');
    if (regionId) rows = rows.where('conversations.region_id', '=', regionId);
    const events = await rows.execute();
    const escalatedAt = new Map<string, number>();
    for (const event of events) {
      if (event.to === 'queued' && !escalatedAt.has(event.id)) escalatedAt.set(event.id, Number(event.at));
      if (event.to === 'closed' && escalatedAt.has(event.id)) toClose.push(Number(event.at) - escalatedAt.get(event.id)!);
    }
    for (const [id, at] of escalatedAt) {
      const first = await this.store.db
        .selectFrom('messages')
        .select('created_at')
        .where('conversation_id', '=', id)
        .where('direction', '=', 'staff')
        .orderBy('seq')
        .executeTakeFirst();
      if (first) firstReply.push(Number(first.created_at) - at);
    }
    return {
      queued: open.filter((c) => c.state.handoff === 'queued').length,
      withStaff: open.filter((c) => c.state.handoff === 'staff').length,
      medianFirstReplyMinutes: median(firstReply),
      medianCloseMinutes: median(toClose),
    };
  }

  private async act(
    conversationId: string,
    actor: StaffActor,
    from: HandoffState[],
    to: HandoffState,
    reason: string,
    tell: (tr: ReturnType<I18n['translator']>, region: Region | undefined) => string[],
  ): Promise<HandoffOutcome> {
    const conversation = await this.store.getConversationSummary(conversationId);
    if (!conversation) return 'refused';
    return this.conversations.exclusive(conversation.channel, conversation.channelUserId, async () => {
      const current = (await this.store.getConversationSummary(conversationId))!;
      const previous = current.state.handoff;
      if (previous === to) return 'unchanged';
      if (!from.includes(previous)) return 'unchanged';
      const state: ConversationState = { ...current.state, handoff: to, misses: 0, unclaimedNoticeAt: undefined };
      if (to !== 'staff') state.botSilenced = false;
      if (to === 'closed') state.ratingRequested = true;
      await this.store.saveState(conversationId, state);
      await this.store.addHandoffEvent({ conversationId, from: previous, to, actor: actorLabel(actor), reason });
      const region = this.region(state);
      const tr = this.i18n.translator(state.lang ?? 'en');
      const choices = to === 'closed' ? [1, 2, 3, 4, 5].map((n) => ({ label: String(n), value: `rate:${n}` })) : undefined;
      await this.deliver(current, [makeReply('notice', tr, tell(tr, region), { choices })]);
      const fresh = (await this.store.getConversationSummary(conversationId))!;
      await this.broadcast((sink) => sink.changed({ conversation: fresh, from: previous, to, actor }));
      return 'done';
    });
  }

  private async deliver(conversation: ConversationSummary, replies: Reply[]): Promise<void> {
    const delivery = this.deliveries.get(conversation.channel);
    if (!delivery) {
      this.log(`handoff: no way to reach ${conversation.channel} users (conversation ${conversation.id})`);
      return;
    }
    for (const reply of replies) {
      await this.store.addMessage({ conversationId: conversation.id, direction: 'out', author: 'system', text: reply.text, lang: reply.lang });
    }
    await delivery(conversation.channelUserId, replies);
  }

  private async broadcast(task: (sink: StaffSink) => Promise<void>): Promise<void> {
    // One sink failing (Telegram down) must not keep the others (the console) from hearing.
    await Promise.all(
      this.sinks.map((sink) => task(sink).catch((error: Error) => this.log(`handoff: ${sink.name} failed: ${error.message}`))),
    );
  }

  /** Staff read and write the region's first local language. */
  private staffLanguage(state: ConversationState): string {
    return this.region(state)?.languages[0] ?? 'en';
  }

  private region(state: ConversationState): Region | undefined {
    return state.regionId ? this.knowledge.regions.get(state.regionId) : undefined;
  }
}

function actorLabel(actor: StaffActor): string {
  return `${actor.via}:${actor.id}`;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)]! / 60_000) * 10) / 10;
}
