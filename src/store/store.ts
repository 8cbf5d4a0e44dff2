import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { newConversationState, type ConversationState, type HandoffState } from '../engine/types.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

/** The PostgreSQL advisory lock that serialises migrations between replicas. */
const MIGRATION_LOCK = 727_274_001;

export interface StoredMessage {
  id: string;
  conversationId: string;
  direction: 'in' | 'out' | 'staff';
  author: string | null;
  text: string;
  lang: string | null;
  createdAt: number;
}

export interface HandoffEvent {
  conversationId: string;
  from: HandoffState;
  to: HandoffState;
  actor: string;
  reason: string | null;
  createdAt: number;
}

export interface Conversation {
  id: string;
  userId: string;
  state: ConversationState;
}

/** A conversation with what staff need to see and reach its user. */
export interface ConversationSummary extends Conversation {
  channel: string;
  channelUserId: string;
  createdAt: number;
  updatedAt: number;
}

/** Where a conversation is discussed on a staff channel (a Telegram forum topic, a Teams thread). */
export interface StaffThread {
  conversationId: string;
  channel: string;
  chatId: string;
  threadId: string;
}

/** Everything stored about one user, for the right of access. */
export interface UserExport {
  user: { id: string; channel: string; createdAt: number };
  conversations: { id: string; regionId: string | null; state: ConversationState; createdAt: number; closedAt: number | null }[];
  messages: StoredMessage[];
  handoffEvents: HandoffEvent[];
}

/**
 * Users, conversations, messages, handoff events and processed update ids, on Kysely.
 * SQLite (better-sqlite3) now; the same queries and migrations are written to run on
 * PostgreSQL too.
 */
export class Store {
  private seq = 0;

  private constructor(readonly db: Kysely<Database>) {}

  /** Opens (and migrates) the SQLite database `milestone.sqlite` in `dataDir`, or in memory. */
  static async openSqlite(dataDir: string | ':memory:'): Promise<Store> {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'milestone.sqlite');
    }
    const database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
    await store.migrate();
    return store;
  }

  /**
   * Opens (and migrates) the same store on PostgreSQL. `schema` puts the tables in their own
   * schema (created when missing), so that tests and several deployments can share a server.
   */
  static async openPostgres(url: string, options: { schema?: string } = {}): Promise<Store> {
    if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error('schema: lower-case letters, digits and _');
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // bigint columns hold epoch milliseconds: safe as JavaScript numbers.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
    if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    const store = new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
    // Replicas starting together on a new database must not migrate at once: an advisory lock
    // lets one migrate while the others wait, then find nothing left to do.
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const current = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema;
      await store.migrate(current);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
    return store;
  }

  /** PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
  static open(config: { databaseUrl?: string; dataDir: string }): Promise<Store> {
    return config.databaseUrl ? Store.openPostgres(config.databaseUrl) : Store.openSqlite(config.dataDir);
  }

  /**
   * Runs the migrations. On PostgreSQL the migration tables are named with the current schema:
   * Kysely otherwise counts a migration table of any schema on the server as its own.
   */
  async migrate(schema?: string): Promise<void> {
    const { error } = await new Migrator({ db: this.db, provider: migrationProvider, migrationTableSchema: schema }).migrateToLatest();
    if (error) throw error;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** The user's id; the user is created on first contact. */
  async ensureUser(channel: string, channelUserId: string): Promise<string> {
    const id = `${channel}:${channelUserId}`;
    await this.db
      .insertInto('users')
      .values({ id, channel, channel_user_id: channelUserId, created_at: Date.now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return id;
  }

  /** The user's open conversation, or a new one. */
  async openConversation(userId: string): Promise<Conversation> {
    const row = await this.db
      .selectFrom('conversations')
      .select(['id', 'state'])
      .where('user_id', '=', userId)
      .where('closed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (row) return { id: row.id, userId, state: JSON.parse(row.state) as ConversationState };
    const state = newConversationState();
    const id = randomUUID();
    const now = Date.now();
    await this.db
      .insertInto('conversations')
      .values({ id, user_id: userId, region_id: null, handoff_state: 'bot', state: JSON.stringify(state), created_at: now, updated_at: now, closed_at: null })
      .execute();
    return { id, userId, state };
  }

  /** A conversation with its user's channel, for staff. */
  async getConversationSummary(id: string): Promise<ConversationSummary | undefined> {
    const rows = await this.summaries().where('conversations.id', '=', id).execute();
    return rows.map(toSummary)[0];
  }

  /** Open conversations in the given handoff states, oldest change first. */
  async listConversations(handoff: HandoffState[], regionId?: string): Promise<ConversationSummary[]> {
    let query = this.summaries().where('conversations.handoff_state', 'in', handoff).where('conversations.closed_at', 'is', null);
    if (regionId) query = query.where('conversations.region_id', '=', regionId);
    return (await query.orderBy('conversations.updated_at').execute()).map(toSummary);
  }

  private summaries() {
    return this.db
      .selectFrom('conversations')
      .innerJoin('users', 'users.id', 'conversations.user_id')
      .select([
        'conversations.id as id',
        'conversations.user_id as user_id',
        'conversations.state as state',
        'conversations.created_at as created_at',
        'conversations.updated_at as updated_at',
        'users.channel as channel',
        'users.channel_user_id as channel_user_id',
      ]);
  }

  async saveStaffThread(thread: StaffThread): Promise<void> {
    await this.db
      .insertInto('staff_threads')
      .values({ conversation_id: thread.conversationId, channel: thread.channel, chat_id: thread.chatId, thread_id: thread.threadId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['conversation_id', 'channel']).doUpdateSet({ chat_id: thread.chatId, thread_id: thread.threadId }))
      .execute();
  }

  async findStaffThread(conversationId: string, channel: string): Promise<StaffThread | undefined> {
    const row = await this.db
      .selectFrom('staff_threads')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row ? { conversationId: row.conversation_id, channel: row.channel, chatId: row.chat_id, threadId: row.thread_id } : undefined;
  }

  async conversationOfThread(channel: string, chatId: string, threadId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('staff_threads')
      .select('conversation_id')
      .where('channel', '=', channel)
      .where('chat_id', '=', chatId)
      .where('thread_id', '=', threadId)
      .executeTakeFirst();
    return row?.conversation_id;
  }

  /** How to reach a user proactively on a channel (a Bot Framework conversation reference). */
  async saveChannelReference(channel: string, channelUserId: string, reference: unknown): Promise<void> {
    const value = JSON.stringify(reference);
    await this.db
      .insertInto('channel_refs')
      .values({ channel, channel_user_id: channelUserId, reference: value, updated_at: Date.now() })
      .onConflict((oc) => oc.columns(['channel', 'channel_user_id']).doUpdateSet({ reference: value, updated_at: Date.now() }))
      .execute();
  }

  async channelReference<T>(channel: string, channelUserId: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('channel_refs')
      .select('reference')
      .where('channel', '=', channel)
      .where('channel_user_id', '=', channelUserId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.reference) as T) : undefined;
  }

  /** Registers a staff channel (e.g. a Teams channel) for a region's escalations. */
  async registerStaffChannel(regionId: string, channel: string, chatId: string, reference: unknown, registeredBy: string): Promise<void> {
    const value = JSON.stringify(reference);
    await this.db
      .insertInto('staff_channels')
      .values({ region_id: regionId, channel, chat_id: chatId, reference: value, registered_by: registeredBy, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['region_id', 'channel']).doUpdateSet({ chat_id: chatId, reference: value, registered_by: registeredBy }))
      .execute();
  }

  async staffChannel<T>(regionId: string, channel: string): Promise<{ chatId: string; reference: T } | undefined> {
    const row = await this.db
      .selectFrom('staff_channels')
      .select(['chat_id', 'reference'])
      .where('region_id', '=', regionId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row ? { chatId: row.chat_id, reference: JSON.parse(row.reference) as T } : undefined;
  }

  async saveState(conversationId: string, state: ConversationState): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ state: JSON.stringify(state), region_id: state.regionId ?? null, handoff_state: state.handoff, updated_at: Date.now() })
      .where('id', '=', conversationId)
      .execute();
  }

  async addMessage(message: Omit<StoredMessage, 'id' | 'createdAt'> & { meta?: unknown }): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    this.seq = (this.seq + 1) % 1000;
    await this.db
      .insertInto('messages')
      .values({
        id,
        conversation_id: message.conversationId,
        seq: now * 1000 + this.seq,
        direction: message.direction,
        author: message.author,
        text: message.text,
        lang: message.lang,
        meta: message.meta === undefined ? null : JSON.stringify(message.meta),
        created_at: now,
      })
      .execute();
    return id;
  }

  async listMessages(conversationId: string): Promise<StoredMessage[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('seq').execute();
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      direction: r.direction as StoredMessage['direction'],
      author: r.author,
      text: r.text,
      lang: r.lang,
      createdAt: Number(r.created_at),
    }));
  }

  async addHandoffEvent(event: Omit<HandoffEvent, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('handoff_events')
      .values({
        id: randomUUID(),
        conversation_id: event.conversationId,
        from_state: event.from,
        to_state: event.to,
        actor: event.actor,
        reason: event.reason,
        created_at: Date.now(),
      })
      .execute();
  }

  async listHandoffEvents(conversationId: string): Promise<HandoffEvent[]> {
    const rows = await this.db
      .selectFrom('handoff_events')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      from: r.from_state as HandoffState,
      to: r.to_state as HandoffState,
      actor: r.actor,
      reason: r.reason,
      createdAt: Number(r.created_at),
    }));
  }

  /**
   * Records an update id as processed. Returns false when it was processed before: the
   * caller then does nothing (Telegram retries an update until it gets a 2xx).
   */
  async markProcessed(channel: string, updateId: string): Promise<boolean> {
    const result = await this.db
      .insertInto('processed_updates')
      .values({ channel, update_id: updateId, processed_at: Date.now() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Undoes markProcessed when handling failed, so that the channel's retry is processed. */
  async releaseProcessed(channel: string, updateId: string): Promise<void> {
    await this.db.deleteFrom('processed_updates').where('channel', '=', channel).where('update_id', '=', updateId).execute();
  }

  /** A 👍 (1) or 👎 (-1) on one answer, identified by the channel's message reference. */
  async addFeedback(conversationId: string, messageRef: string, rating: number): Promise<void> {
    await this.db
      .insertInto('feedback')
      .values({ id: randomUUID(), conversation_id: conversationId, message_ref: messageRef, rating, created_at: Date.now() })
      .execute();
  }

  /** A question that found no good answer (personal details already removed), for the gap report. */
  async addUnanswered(regionId: string, question: string, lang: string): Promise<void> {
    await this.db.insertInto('unanswered').values({ id: randomUUID(), region_id: regionId, question, lang, created_at: Date.now() }).execute();
  }

  async listUnanswered(regionId: string, since: number): Promise<{ question: string; lang: string | null; createdAt: number }[]> {
    const rows = await this.db
      .selectFrom('unanswered')
      .select(['question', 'lang', 'created_at'])
      .where('region_id', '=', regionId)
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ question: r.question, lang: r.lang, createdAt: Number(r.created_at) }));
  }

  /**
   * Retention for one region: open conversations idle since `idleBefore` are closed;
   * messages of conversations closed before `closedBefore` are deleted (with their handoff
   * events), leaving an anonymous audit line. With `apply: false` only counts.
   */
  async applyRetention(
    regionId: string,
    idleBefore: number,
    closedBefore: number,
    apply: boolean,
  ): Promise<{ closed: number; purgedConversations: number; purgedMessages: number }> {
    const idle = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('region_id', '=', regionId)
      .where('closed_at', 'is', null)
      .where('updated_at', '<', idleBefore)
      .execute();
    const due = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('region_id', '=', regionId)
      .where('closed_at', 'is not', null)
      .where('closed_at', '<', closedBefore)
      .execute();
    const ids = due.map((r) => r.id);
    const messages = ids.length
      ? Number((await this.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', 'in', ids).executeTakeFirst())?.n ?? 0)
      : 0;
    if (apply) {
      await this.db.transaction().execute(async (trx) => {
        if (idle.length) {
          await trx.updateTable('conversations').set({ closed_at: Date.now() }).where('id', 'in', idle.map((r) => r.id)).execute();
        }
        await purgeConversations(trx, ids);
        if (idle.length || ids.length) {
          await trx
            .insertInto('audit_log')
            .values({ id: randomUUID(), action: 'retention', detail: JSON.stringify({ regionId, closed: idle.length, purged: ids.length }), created_at: Date.now() })
            .execute();
        }
      });
    }
    return { closed: idle.length, purgedConversations: ids.length, purgedMessages: messages };
  }

  async exportUser(userId: string): Promise<UserExport | undefined> {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user) return undefined;
    const conversations = await this.db.selectFrom('conversations').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    const messages: StoredMessage[] = [];
    const handoffEvents: HandoffEvent[] = [];
    for (const c of conversations) {
      messages.push(...(await this.listMessages(c.id)));
      handoffEvents.push(...(await this.listHandoffEvents(c.id)));
    }
    return {
      user: { id: user.id, channel: user.channel, createdAt: Number(user.created_at) },
      conversations: conversations.map((c) => ({
        id: c.id,
        regionId: c.region_id,
        state: JSON.parse(c.state) as ConversationState,
        createdAt: Number(c.created_at),
        closedAt: c.closed_at === null ? null : Number(c.closed_at),
      })),
      messages,
      handoffEvents,
    };
  }

  /** Erases a user and everything linked to them, leaving one anonymous audit line. */
  async deleteUser(userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const ids = (await trx.selectFrom('conversations').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);
      await purgeConversations(trx, ids);
      const user = await trx.selectFrom('users').select(['channel', 'channel_user_id']).where('id', '=', userId).executeTakeFirst();
      if (user) await trx.deleteFrom('channel_refs').where('channel', '=', user.channel).where('channel_user_id', '=', user.channel_user_id).execute();
      await trx.deleteFrom('users').where('id', '=', userId).execute();
      await trx
        .insertInto('audit_log')
        .values({ id: randomUUID(), action: 'user-deleted', detail: null, created_at: Date.now() })
        .execute();
    });
  }
}

function toSummary(row: {
  id: string;
  user_id: string;
  state: string;
  created_at: number;
  updated_at: number;
  channel: string;
  channel_user_id: string;
}): ConversationSummary {
  return {
    id: row.id,
    userId: row.user_id,
    state: JSON.parse(row.state) as ConversationState,
    channel: row.channel,
    channelUserId: row.channel_user_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Deletes conversations with everything that hangs on them, inside the caller's transaction. */
async function purgeConversations(trx: Transaction<Database>, ids: string[]): Promise<void> {
  if (!ids.length) return;
  for (const table of ['messages', 'handoff_events', 'feedback', 'staff_threads'] as const) {
    await trx.deleteFrom(table).where('conversation_id', 'in', ids).execute();
  }
  await trx.deleteFrom('conversations').where('id', 'in', ids).execute();
}
