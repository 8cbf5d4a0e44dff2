import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, type Context, InlineKeyboard, InputFile } from 'grammy';
import type { Delivery } from '../../src/conversations/index.js';
import type { IncomingMessage, Reply } from '../../src/engine/index.js';
import type { ChannelContext } from '../../src/server/index.js';
import { toTelegramHtml } from './format.js';
import { registerStaff } from './staff.js';

/** The commands shown in Telegram's menu, in this order. */
export const COMMANDS = ['start', 'help', 'region', 'role', 'language', 'human', 'privacy', 'delete'] as const;

/**
 * The grammY bot: private chats go through the conversation service; every update is
 * processed once (its id is claimed in the store first); one chat's updates start in order,
 * so messages sent in a burst reach the engine together.
 */
export function createBot(context: ChannelContext): Bot {
  const telegram = context.config.telegram!;
  const { conversations, store, assistant, log } = context;
  const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
  // Flood control: wait and retry on 429 (retry_after), and keep under Telegram's rates.
  bot.api.config.use(apiThrottler());
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));

  const inOrder = sequentialize<Context>((ctx) => ctx.chat?.id.toString());

  bot.use(async (ctx, next) => {
    const updateId = String(ctx.update.update_id);
    let pending: Promise<Delivery> | undefined;
    let claimed = false;
    const draft = new Draft(bot, ctx.chat?.id);
    await inOrder(ctx, async () => {
      claimed = await store.markProcessed('telegram', updateId);
      if (claimed) pending = start(ctx, draft);
    });
    if (!pending) return claimed ? next() : undefined;
    try {
      // The replies are sent by the conversation service, in the conversation's turn; a message
      // refused by the rate limit never gets a turn, and its note is sent here.
      const delivery = await pending;
      if (delivery.limited) await deliver(ctx, delivery, draft);
    } catch (error) {
      // Let Telegram's retry of this update be processed: the answer did not get through.
      await store.releaseProcessed('telegram', updateId);
      throw error;
    }
  });

  bot.catch((error) => log(`telegram: update ${error.ctx.update.update_id} failed: ${(error.error as Error)?.message ?? error.message}`));

  /** Starts the engine for an update; undefined for updates deliberately ignored. */
  function start(ctx: Context, draft: Draft): Promise<Delivery> | undefined {
    if (!ctx.from || !ctx.hasChatType('private')) return undefined; // groups: the staff side (handoff) only
    const base = { channel: 'telegram' as const, userId: String(ctx.from.id), languageHint: ctx.from.language_code?.split('-')[0] };
    let message: IncomingMessage | undefined;
    if (ctx.has('message:text')) message = { ...base, kind: 'text', text: ctx.message.text, onPartial: (text) => draft.update(text) };
    else if (ctx.has('callback_query:data')) {
      const data = ctx.callbackQuery.data;
      if (data.startsWith('fb:')) return undefined;
      message = { ...base, kind: 'text', choice: data };
    } else if (ctx.has('message')) {
      // Stickers, voice, photos, files, locations…: the bot reads text only, and says so.
      message = { ...base, kind: 'unsupported' };
    }
    if (!message) return undefined; // edited messages, reactions…: deliberately ignored
    void ctx.replyWithChatAction('typing').catch(() => undefined);
    return conversations.receive({ ...message, deliver: (delivery) => deliver(ctx, delivery as Delivery, draft) });
  }

  async function deliver(ctx: Context, delivery: Delivery, draft: Draft): Promise<void> {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    const chatId = ctx.chat!.id;
    const draftId = await draft.finish();
    for (const reply of delivery.replies) {
      // The answer that was streamed replaces its draft; everything else is sent as usual.
      if (draftId !== undefined && reply.kind === 'answer') await replaceDraft(bot, chatId, draftId, reply);
      else await sendReply(bot, chatId, reply);
    }
    if (delivery.export) {
      const file = new InputFile(Buffer.from(JSON.stringify(delivery.export, null, 2)), 'my-data.json');
      await bot.api.sendDocument(chatId, file);
    }
  }

  // Staff replies and handoff notices reach Telegram users here.
  context.handoff.setUserDelivery('telegram', async (userId, replies) => {
    for (const reply of replies) await sendReply(bot, userId, reply);
  });
  context.handoff.addSink(registerStaff(bot, context));

  // Feedback buttons under an answer: stored, acknowledged, and the buttons removed.
  bot.callbackQuery(/^fb:(up|down)$/, async (ctx) => {
    const rating = ctx.match[1] === 'up' ? 1 : -1;
    const userId = await store.ensureUser('telegram', String(ctx.from.id));
    const conversation = await store.openConversation(userId);
    await store.addFeedback(conversation.id, String(ctx.callbackQuery.message?.message_id ?? ''), rating);
    const tr = assistant.i18n.translator(conversation.state.lang ?? 'en');
    await ctx.answerCallbackQuery({ text: tr.t('answer.feedback_thanks') });
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  });
  return bot;
}

/** Telegram allows about one edit a second per chat: the draft is updated at most this often. */
const DRAFT_EDIT_MS = 1200;

/**
 * An answer shown while the LLM writes it: one message, sent with the first words and edited
 * as more arrive (plain text, at a rate Telegram accepts), replaced by the final answer.
 */
class Draft {
  private messageId?: number;
  private chain: Promise<unknown> = Promise.resolve();
  private lastEdit = 0;
  private latest = '';
  private shown = '';

  constructor(
    private readonly bot: Bot,
    private readonly chatId: number | undefined,
  ) {}

  update(text: string): void {
    this.latest = text;
    const now = Date.now();
    if (this.chatId === undefined || now - this.lastEdit < DRAFT_EDIT_MS || text.trim().length < 20) return;
    this.lastEdit = now;
    this.chain = this.chain
      .then(async () => {
        const shown = `${this.latest.slice(0, 3900)} …`;
        if (shown === this.shown) return;
        this.shown = shown;
        if (this.messageId === undefined) this.messageId = (await this.bot.api.sendMessage(this.chatId!, shown)).message_id;
        else await this.bot.api.editMessageText(this.chatId!, this.messageId, shown);
      })
      .catch(() => undefined);
  }

  /** Waits for pending edits; the id of the draft message, if one was shown. */
  async finish(): Promise<number | undefined> {
    await this.chain;
    return this.messageId;
  }
}

async function replaceDraft(bot: Bot, chatId: number, messageId: number, reply: Reply): Promise<void> {
  const [first, ...rest] = toTelegramHtml(reply);
  await bot.api.editMessageText(chatId, messageId, first!, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    reply_markup: rest.length ? undefined : keyboardFor(reply),
  });
  for (const [index, chunk] of rest.entries()) {
    await bot.api.sendMessage(chatId, chunk, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      reply_markup: index === rest.length - 1 ? keyboardFor(reply) : undefined,
    });
  }
}

/** Sends one reply as HTML messages; the last carries the buttons. */
export async function sendReply(bot: Bot, chatId: number | string, reply: Reply): Promise<void> {
  const chunks = toTelegramHtml(reply);
  for (const [index, chunk] of chunks.entries()) {
    const last = index === chunks.length - 1;
    await bot.api.sendMessage(chatId, chunk, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      reply_markup: last ? keyboardFor(reply) : undefined,
    });
  }
}

function keyboardFor(reply: Reply): InlineKeyboard | undefined {
  if (reply.choices?.length) {
    const keyboard = new InlineKeyboard();
    const perRow = reply.choices.length > 10 ? 3 : 2;
    reply.choices.forEach((choice, i) => {
      keyboard.text(choice.label, choice.value);
      if ((i + 1) % perRow === 0) keyboard.row();
    });
    return keyboard;
  }
  if (reply.kind === 'answer') return new InlineKeyboard().text('👍', 'fb:up').text('👎', 'fb:down');
  return undefined;
}
