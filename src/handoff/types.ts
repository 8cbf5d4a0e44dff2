import type { Reply } from '../engine/index.js';
import type { HandoffState } from '../engine/types.js';
import type { ConversationSummary, StoredMessage } from '../store/index.js';

/** A staff member acting on a conversation. Only the first name is ever shown to the user. */
export interface StaffActor {
  /** Stable id on the staff channel (Telegram user id, console user, Teams AAD id). */
  id: string;
  firstName: string;
  via: 'telegram' | 'console' | 'teams';
}

/** What staff are shown when a conversation is handed to them. */
export interface EscalationNotice {
  conversation: ConversationSummary;
  regionId: string;
  regionName: string;
  role: string;
  lang: string;
  reason: string;
  /** The last messages of the conversation, oldest first, both sides. */
  recent: StoredMessage[];
  /** A summary written by the model for staff, when one is configured. */
  summary?: string;
  at: number;
}

export interface HandoffChange {
  conversation: ConversationSummary;
  from: HandoffState;
  to: HandoffState;
  actor: StaffActor | 'bot' | 'system';
  /** e.g. "silenced" / "unsilenced" when the state itself did not change. */
  note?: string;
}

/**
 * A place where staff see escalated conversations: a Telegram staff supergroup, the web
 * console, a Teams channel. Each is told of every event; each decides what to show.
 */
export interface StaffSink {
  name: string;
  escalated(notice: EscalationNotice): Promise<void>;
  /** A user message while staff hold the chat; `translated` into the staff's language when it differs. */
  userMessage(conversation: ConversationSummary, text: string, translated?: string): Promise<void>;
  staffMessage(conversation: ConversationSummary, actor: StaffActor, text: string): Promise<void>;
  changed(change: HandoffChange): Promise<void>;
}

/** Sends replies to a user on the user's own channel (the channel registers it). */
export type UserDelivery = (channelUserId: string, replies: Reply[]) => Promise<void>;

export type HandoffOutcome = 'done' | 'unchanged' | 'refused';

/** What staff can do to a conversation from a button or the console. */
export type StaffAction = 'claim' | 'return' | 'close' | 'silence' | 'unsilence';
