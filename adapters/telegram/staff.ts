import type { Bot, Context } from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { HandoffChange, StaffActor, StaffSink } from '../../src/handoff/index.js';
import type { ChannelContext } from '../../src/server/index.js';
import type { ConversationSummary } from '../../src/store/index.js';
import { escapeHtml, splitMessage, MAX_TELEGRAM_TEXT } from './format.js';


/**
 * The staff side on Telegram: each region's staff supergroup (forum topics on) gets one topic
 * per escalated conversation, with a summary and Claim / Return to bot / Close buttons.
 * Staff replies in the topic reach the user; only the region's staff group may act.
 */
export function registerStaff(bot: Bot, context: ChannelContext): StaffSink {
  const { store, handoff, assistant, config, log } = context;

  const staffChatOf = (regionId: string | undefined): string | undefined => {
    const region = regionId ? assistant.knowledge.regions.get(regionId) : undefined;
    return region?.staff.telegramChatId ?? config.telegram?.staffChatId ?? undefined;
  };

  const post = async (conversation: ConversationSummary, html: string, keyboard?: InlineKeyboard) => {
    const thread = await store.findStaffThread(conversation.id, 'telegram');
    if (!thread) return;
    for (const chunk of splitMessage([html], MAX_TELEGRAM_TEXT)) {
      await bot.api.sendMessage(thread.chatId, chunk, {
        parse_mode: 'HTML',
        message_thread_id: thread.threadId === '0' ? undefined : Number(thread.threadId),
        link_preview_options: { is_disabled: true },
        reply_markup: keyboard,
      });
    }
  };

  const buttons = (conversationId: string) =>
    new InlineKeyboard()
      .text('✋ Claim', `hs:claim:${conversationId}`)
      .text('↩️ Return to bot', `hs:return:${conversationId}`)
      .row()
      .text('✅ Close', `hs:close:${conversationId}`)
      .text('🔇 Silence bot', `hs:silence:${conversationId}`);

  const sink: StaffSink = {
    name: 'telegram staff group',
    async escalated(notice) {
      const chatId = staffChatOf(notice.regionId);
      if (!chatId) return;
      let threadId = '0';
      const short = notice.conversation.id.slice(0, 8);
      try {
        const topic = await bot.api.createForumTopic(chatId, `${notice.regionName.split(',')[0]} · ${notice.reason} · ${short}`.slice(0, 128));
        threadId = String(topic.message_thread_id);
      } catch (error) {
        log(`telegram staff: no forum topic in ${chatId} (${(error as Error).message}); posting in the group`);
      }
      await store.saveStaffThread({ conversationId: notice.conversation.id, channel: 'telegram', chatId, threadId });
      const lines = [
        `<b>New case</b> ${escapeHtml(short)} — ${escapeHtml(notice.reason)}`,
        `Region: ${escapeHtml(notice.regionName)} · role: ${escapeHtml(notice.role)} · language: ${escapeHtml(notice.lang)} · channel: ${escapeHtml(notice.conversation.channel)}`,
        ...(notice.summary ? ['', `<b>Summary</b> (written by the model): ${escapeHtml(notice.summary)}`] : []),
        '',
        '<b>Last messages</b>',
        ...notice.recent.map((m) => `${m.direction === 'in' ? '👤' : m.direction === 'staff' ? '🧑‍💼' : '🤖'} ${escapeHtml(m.text.slice(0, 600))}`),
        '',
        'Reply in this topic to answer the user (first name only is shown).',
      ];
      await post(notice.conversation, lines.join('\n'), buttons(notice.conversation.id));
    },
    async userMessage(conversation, text, translated) {
      await post(conversation, `👤 ${escapeHtml(text)}${translated ? `\n🌐 ${escapeHtml(translated)}` : ''}`);
    },
    async staffMessage(conversation, actor, text) {
      if (actor.via !== 'telegram') await post(conversation, `🧑‍💼 ${escapeHtml(actor.firstName)} (${actor.via}): ${escapeHtml(text)}`);
    },
    async changed(change: HandoffChange) {
      const who = change.actor === 'bot' || change.actor === 'system' ? change.actor : change.actor.firstName;
      const what = change.note ?? { staff: 'claimed', bot: 'returned to the bot', closed: 'closed', queued: 'queued' }[change.to];
      await post(change.conversation, `ℹ️ ${escapeHtml(what)} by ${escapeHtml(who)}`);
    },
  };

  /** Refuses (and logs) staff actions from a chat that is not the conversation's region's staff group. */
  const authorized = async (ctx: Context, conversationId: string): Promise<ConversationSummary | undefined> => {
    const conversation = await store.getConversationSummary(conversationId);
    const allowed = conversation && String(ctx.chat?.id) === staffChatOf(conversation.state.regionId);
    if (!allowed) {
      log(`telegram staff: refused action by user ${ctx.from?.id ?? '?'} in chat ${ctx.chat?.id ?? '?'} on conversation ${conversationId.slice(0, 8)}`);
      return undefined;
    }
    return conversation;
  };

  const actorOf = (ctx: Context): StaffActor => ({ id: String(ctx.from?.id ?? '?'), firstName: ctx.from?.first_name ?? 'Staff', via: 'telegram' });

  bot.callbackQuery(/^hs:(claim|return|close|silence):([0-9a-f-]{36})$/, async (ctx) => {
    const [, action, conversationId] = ctx.match as unknown as [string, 'claim' | 'return' | 'close' | 'silence', string];
    const conversation = await authorized(ctx, conversationId);
    if (!conversation) {
      await ctx.answerCallbackQuery({ text: 'Not allowed here.', show_alert: true });
      return;
    }
    const toggle = action === 'silence' && conversation.state.botSilenced ? 'unsilence' : action;
    const outcome = await handoff.perform(toggle, conversationId, actorOf(ctx));
    await ctx.answerCallbackQuery({ text: outcome === 'done' ? 'Done.' : 'Nothing to change.' });
  });

  // A staff member's message in a case's topic goes to the user (the first one claims the case).
  bot.on('message', async (ctx, next) => {
    if (ctx.chat.type !== 'supergroup' && ctx.chat.type !== 'group') return next();
    const threadId = ctx.message.message_thread_id;
    if (threadId === undefined || ctx.from.is_bot) return;
    const conversationId = await store.conversationOfThread('telegram', String(ctx.chat.id), String(threadId));
    if (!conversationId) return;
    const conversation = await authorized(ctx, conversationId);
    if (!conversation) return;
    const text = ctx.message.text ?? ctx.message.caption ?? '';
    const hasMedia = Boolean(ctx.message.photo || ctx.message.document);
    if (!text && !hasMedia) return;
    const outcome = await handoff.reply(conversationId, actorOf(ctx), text || '📎');
    if (outcome === 'done' && hasMedia && conversation.channel === 'telegram') {
      await bot.api.copyMessage(conversation.channelUserId, ctx.chat.id, ctx.message.message_id);
    }
  });

  return sink;
}
