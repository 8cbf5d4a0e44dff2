import type { Citation } from '../answer/index.js';
import type { EscalationReason, Role } from '../knowledge/types.js';

export type Channel = 'telegram' | 'teams' | 'web' | 'cli' | 'eval';

/** What every channel turns its updates into: one plain message. */
export interface IncomingMessage {
  channel: Channel;
  /** The user's id on that channel. */
  userId: string;
  /** Text as typed; a command keeps its leading slash. */
  text?: string;
  /** `unsupported`: a sticker, voice note, photo… that the bot cannot read. */
  kind: 'text' | 'unsupported';
  /** The channel's guess of the user's language (e.g. Telegram's language_code). */
  languageHint?: string;
  /** The role the channel suggests (Teams is the employers' channel); the user can change it. */
  roleHint?: Role;
  /** Called with the answer so far while an LLM writes it: channels that can, show it growing. */
  onPartial?: (textSoFar: string) => void;
  /**
   * Sends the replies on the channel. Called in the conversation's turn, so that one chat's
   * replies go out in order even when several replicas handle its messages.
   */
  deliver?: (delivery: EngineResult & { conversationId: string; export?: unknown; merged?: boolean }) => Promise<void>;
  /** A choice from a button: `region:asco`, `role:employer`, `lang:uk`. */
  choice?: string;
}

export type HandoffState = 'bot' | 'queued' | 'staff' | 'closed';

/** What the engine remembers of a conversation between messages. Stored by the caller. */
export interface ConversationState {
  regionId?: string;
  role?: Role;
  /** The reply language: chosen by the user, or last detected. */
  lang?: string;
  langChosen?: boolean;
  /** Set once the privacy notice was shown: nothing is stored before it, except what shows it. */
  privacyNoticeAt?: string;
  handoff: HandoffState;
  /** Answers in a row that found nothing: three of them bring a person in. */
  misses: number;
  /** A question asked before onboarding was finished, answered once it is. */
  pendingQuestion?: string;
  /** Staff asked the bot to stay silent in this conversation, without taking it over. */
  botSilenced?: boolean;
  /** When the user of a case nobody claimed in time was given the office's contact. */
  unclaimedNoticeAt?: string;
  /** The user was asked to rate the help after a handoff was closed. */
  ratingRequested?: boolean;
  /** The last turns, for follow-up questions. */
  recent: { from: 'user' | 'bot'; text: string }[];
}

export function newConversationState(): ConversationState {
  return { handoff: 'bot', misses: 0, recent: [] };
}

/** A button; channels without buttons show the numbered text instead. */
export interface Choice {
  label: string;
  value: string;
}

export interface Reply {
  kind: 'answer' | 'not-found' | 'onboarding' | 'escalation' | 'command' | 'notice';
  lang: string;
  dir: 'ltr' | 'rtl';
  /** The whole reply as plain text, sources included. */
  text: string;
  /** The same reply in parts, for channels that format (links, bold, cards). */
  parts: {
    body: string[];
    citations: (Citation & { checkedLabel: string })[];
    sourcesLabel: string;
    footer: string[];
    /** The body cites its sources as [1], [2]… in the order of `citations`. */
    numbered: boolean;
  };
  choices?: Choice[];
}

/** Things the engine decided that the caller carries out (handoff, data rights). */
export type EngineEvent =
  | { type: 'escalate'; reason: EscalationReason; severity: 'normal' | 'urgent'; ruleId?: string }
  | { type: 'forward-to-staff' }
  | { type: 'export-data' }
  | { type: 'delete-data' }
  | { type: 'unanswered'; question: string }
  | { type: 'rating'; value: number };

/** What the engine made of one message (or of a burst of them). */
export interface EngineResult {
  replies: Reply[];
  state: ConversationState;
  events: EngineEvent[];
  /** Detected or chosen language of the message. */
  lang: string;
  /** Present when the message was a question the engine tried to answer. */
  answer?: { found: boolean; citations: Citation[]; confidence: number; faithful?: boolean };
  escalation?: { reason: EscalationReason; severity: 'normal' | 'urgent' };
}
