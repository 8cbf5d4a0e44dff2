import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import type { Delivery } from '../../src/conversations/index.js';
import { shortName, type Reply } from '../../src/engine/index.js';
import type { StaffActor, StaffSink } from '../../src/handoff/index.js';
import type { ChannelContext } from '../../src/server/index.js';
import { card, choicesCard, hiringChecklist, toMarkdown } from './format.js';

const COMMANDS = /^(start|help|region|role|language|human|privacy|delete)(\s|$)/i;
const THREAD = /;messageid=(\d+)$/;

/**
 * The Teams side: personal chats go through the same engine (employers by default); team
 * channels registered for a region receive its escalations as cards and answer in the
 * card's thread; staff replies reach the user on the user's own channel.
 */
export function createTeamsBot(adapter: CloudAdapter, context: ChannelContext) {
  const { conversations, store, handoff, assistant, config, log } = context;
  const appId = config.teams.appId ?? '';

  const sendTo = async (reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<string | undefined> => {
    let firstId: string | undefined;
    await adapter.continueConversationAsync(appId, reference, async (turn) => {
      for (const activity of activities) {
        const sent = await turn.sendActivity(activity);
        firstId ??= sent?.id;
      }
    });
    return firstId;
  };

  const activitiesFor = (reply: Reply, delivery?: Delivery): Partial<Activity>[] => {
    if (reply.choices?.length) return [{ type: 'message', text: reply.text, attachments: [choicesCard(reply)] }];
    const markdown = toMarkdown(reply);
    const region = delivery?.state.regionId ? assistant.knowledge.regions.get(delivery.state.regionId) : undefined;
    const hiring =
      reply.kind === 'answer' &&
      delivery?.state.role === 'employer' &&
      reply.parts.citations.some((c) => assistant.knowledge.documents.some((d) => d.id === c.docId && d.topics.includes('employer-hiring')));
    // Clients that cannot show cards show the text, which says the same.
    if (hiring && region) return [{ type: 'message', text: markdown, textFormat: 'markdown', attachments: [hiringChecklist(reply, shortName(region))] }];
    return [{ type: 'message', text: markdown, textFormat: 'markdown' }];
  };

  handoff.setUserDelivery('teams', async (userId, replies) => {
    const reference = await store.channelReference<Partial<ConversationReference>>('teams', userId);
    if (!reference) throw new Error(`no conversation reference for Teams user ${userId.slice(0, 6)}…`);
    await sendTo(reference, replies.flatMap((reply) => activitiesFor(reply)));
  });

  const threadReference = (reference: Partial<ConversationReference>, threadId: string): Partial<ConversationReference> => ({
    ...reference,
    conversation: { ...reference.conversation!, id: `${reference.conversation!.id.replace(THREAD, '')};messageid=${threadId}` },
  });

  const postInThread = async (conversationId: string, regionId: string | undefined, text: string) => {
    const thread = await store.findStaffThread(conversationId, 'teams');
    const channel = regionId ? await store.staffChannel<Partial<ConversationReference>>(regionId, 'teams') : undefined;
    if (!thread || !channel) return;
    await sendTo(threadReference(channel.reference, thread.threadId), [MessageFactory.text(text)]);
  };

  const sink: StaffSink = {
    name: 'teams staff channel',
    async escalated(notice) {
      const channel = await store.staffChannel<Partial<ConversationReference>>(notice.regionId, 'teams');
      if (!channel) return;
      const attachment = card('staff-case', {
        shortId: notice.conversation.id.slice(0, 8),
        reason: notice.reason,
        regionName: notice.regionName,
        role: notice.role,
        lang: notice.lang,
        channel: notice.conversation.channel,
        recent: notice.recent.map((m) => `${m.direction === 'in' ? '👤' : m.direction === 'staff' ? '🧑‍💼' : '🤖'} ${m.text.slice(0, 400)}`),
        summary: notice.summary ?? '',
        conversationId: notice.conversation.id,
      });
      const threadId = await sendTo(channel.reference, [{ type: 'message', attachments: [attachment] }]);
      if (threadId) await store.saveStaffThread({ conversationId: notice.conversation.id, channel: 'teams', chatId: channel.chatId, threadId });
    },
    async userMessage(conversation, text, translated) {
      await postInThread(conversation.id, conversation.state.regionId, `👤 ${text}${translated ? `\n\n🌐 ${translated}` : ''}`);
    },
    async staffMessage(conversation, actor, text) {
      if (actor.via !== 'teams') await postInThread(conversation.id, conversation.state.regionId, `🧑‍💼 ${actor.firstName} (${actor.via}): ${text}`);
    },
    async changed(change) {
      const who = typeof change.actor === 'string' ? change.actor : change.actor.firstName;
      const what = change.note ?? { staff: 'claimed', bot: 'returned to the bot', closed: 'closed', queued: 'queued' }[change.to];
      await postInThread(change.conversation.id, change.conversation.state.regionId, `ℹ️ ${what} by ${who}`);
    },
  };
  handoff.addSink(sink);

  const actorOf = (activity: Activity): StaffActor => ({
    id: activity.from.aadObjectId ?? activity.from.id,
    firstName: (activity.from.name ?? 'Staff').split(' ')[0]!,
    via: 'teams',
  });

  /** A staff member acting in a team channel: only the channel registered for the case's region may. */
  const staffTurn = async (turn: TurnContext): Promise<void> => {
    const activity = turn.activity;
    const channelId = activity.conversation.id.replace(THREAD, '');
    const value = activity.value as { handoff?: string; conversationId?: string } | undefined;
    const text = TurnContext.removeRecipientMention(activity)?.trim() ?? '';
    const register = /^\/?register\s+([a-z-]+)$/i.exec(text);
    if (register) {
      const region = assistant.knowledge.regions.get(register[1]!.toLowerCase());
      if (!region) {
        await turn.sendActivity(`Unknown region. One of: ${[...assistant.knowledge.regions.keys()].join(', ')}`);
        return;
      }
      const reference = TurnContext.getConversationReference(activity);
      await store.registerStaffChannel(region.id, 'teams', channelId, { ...reference, conversation: { ...reference.conversation, id: channelId } }, actorOf(activity).id);
      await turn.sendActivity(`This channel now receives the escalated conversations of ${region.name}.`);
      return;
    }
    const conversationId = value?.conversationId ?? (await threadConversation(activity));
    if (!conversationId) return; // ordinary channel chatter: deliberately ignored
    const conversation = await store.getConversationSummary(conversationId);
    const registered = conversation?.state.regionId ? await store.staffChannel(conversation.state.regionId, 'teams') : undefined;
    if (!conversation || registered?.chatId !== channelId) {
      log(`teams staff: refused action by ${actorOf(activity).id.slice(0, 8)} in another channel on conversation ${conversationId.slice(0, 8)}`);
      await turn.sendActivity('This channel is not registered for that region.');
      return;
    }
    const actor = actorOf(activity);
    if (value?.handoff) {
      const known = ['claim', 'return', 'close'] as const;
      const action = known.find((a) => a === value.handoff);
      const outcome = action ? await handoff.perform(action, conversationId, actor) : 'refused';
      if (outcome === 'refused') await turn.sendActivity('That action is not possible now.');
      return;
    }
    if (text) await handoff.reply(conversationId, actor, text);
  };

  const threadConversation = async (activity: Activity): Promise<string | undefined> => {
    const thread = THREAD.exec(activity.conversation.id)?.[1];
    return thread ? store.conversationOfThread('teams', activity.conversation.id.replace(THREAD, ''), thread) : undefined;
  };

  /** A user's personal chat: the same engine as every channel. */
  const personalTurn = async (turn: TurnContext, typed?: string): Promise<void> => {
    const activity = turn.activity;
    const userId = activity.from.aadObjectId ?? activity.from.id;
    await store.saveChannelReference('teams', userId, TurnContext.getConversationReference(activity));
    const value = activity.value as { choice?: string } | undefined;
    let text = (typed ?? activity.text)?.trim();
    if (text && COMMANDS.test(text)) text = `/${text}`;
    const hasFiles = (activity.attachments ?? []).some((a) => a.contentType !== 'text/html');
    await turn.sendActivity({ type: 'typing' });
    const delivery = await conversations.receive({
      channel: 'teams',
      userId,
      kind: text || value?.choice ? 'text' : hasFiles ? 'unsupported' : 'text',
      text,
      choice: value?.choice,
      languageHint: activity.locale?.split('-')[0],
      roleHint: 'employer',
    });
    for (const reply of delivery.replies) for (const out of activitiesFor(reply, delivery)) await turn.sendActivity(out);
  };

  return async function onTurn(turn: TurnContext): Promise<void> {
    const activity = turn.activity;
    switch (activity.type) {
      case 'message':
        if (activity.conversation.conversationType === 'channel' || activity.conversation.conversationType === 'groupChat') return staffTurn(turn);
        return personalTurn(turn);
      case 'conversationUpdate': {
        const botAdded = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
        if (!botAdded) return;
        if (activity.conversation.conversationType === 'channel') {
          await turn.sendActivity(`Hello! To receive a region's escalated conversations here, write: @${activity.recipient.name ?? 'bot'} register <region-id>`);
        } else {
          // The bot was installed in a personal chat: greet with the onboarding.
          await personalTurn(turn, 'start');
        }
        return;
      }
      case 'invoke':
        // Card actions come as messages with a value; other invokes get an empty 200.
        await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body: {} } });
        return;
      default:
        // installationUpdate, messageReaction, typing…: deliberately ignored.
        return;
    }
  };
}
