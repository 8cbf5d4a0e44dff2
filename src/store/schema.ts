/** Kysely's view of the tables (see migrations.ts). Times are epoch milliseconds. */
export interface Database {
  users: { id: string; channel: string; channel_user_id: string; created_at: number };
  conversations: {
    id: string;
    user_id: string;
    region_id: string | null;
    handoff_state: string;
    state: string;
    created_at: number;
    updated_at: number;
    closed_at: number | null;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    direction: string;
    author: string | null;
    text: string;
    lang: string | null;
    meta: string | null;
    created_at: number;
  };
  handoff_events: {
    id: string;
    conversation_id: string;
    from_state: string;
    to_state: string;
    actor: string;
    reason: string | null;
    created_at: number;
  };
  processed_updates: { channel: string; update_id: string; processed_at: number };
  staff_threads: { conversation_id: string; channel: string; chat_id: string; thread_id: string; created_at: number };
  channel_refs: { channel: string; channel_user_id: string; reference: string; updated_at: number };
  staff_channels: { region_id: string; channel: string; chat_id: string; reference: string; registered_by: string; created_at: number };
  feedback: { id: string; conversation_id: string; message_ref: string; rating: number; created_at: number };
  unanswered: { id: string; region_id: string; question: string; lang: string | null; created_at: number };
  audit_log: { id: string; action: string; detail: string | null; created_at: number };
}
