import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/**
 * The schema, as Kysely migrations in portable SQL (text ids, bigint times), so the same
 * migrations run on SQLite and PostgreSQL.
 */
const migrations: Record<string, Migration> = {
  '2026-11-25-001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('channel_user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('users_channel_user', ['channel', 'channel_user_id'])
        .execute();
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('region_id', 'text')
        .addColumn('handoff_state', 'text', (c) => c.notNull().defaultTo('bot'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .execute();
      await db.schema.createIndex('conversations_user').on('conversations').columns(['user_id', 'closed_at']).execute();
      await db.schema.createIndex('conversations_handoff').on('conversations').columns(['handoff_state', 'region_id']).execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('author', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('lang', 'text')
        .addColumn('meta', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'seq']).execute();
      await db.schema
        .createTable('handoff_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('from_state', 'text', (c) => c.notNull())
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('handoff_events_conversation').on('handoff_events').columns(['conversation_id', 'created_at']).execute();
      await db.schema
        .createTable('processed_updates')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('update_id', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('processed_updates_pk', ['channel', 'update_id'])
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`select 1`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['audit_log', 'processed_updates', 'handoff_events', 'messages', 'conversations', 'users']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
  '2026-11-25-002-feedback': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('message_ref', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('feedback').ifExists().execute();
    },
  },
  '2026-11-25-003-staff-threads': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('staff_threads')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('staff_threads_pk', ['conversation_id', 'channel'])
        .execute();
      await db.schema.createIndex('staff_threads_thread').on('staff_threads').columns(['channel', 'chat_id', 'thread_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('staff_threads').ifExists().execute();
    },
  },
  '2026-11-25-004-channel-references': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('channel_refs')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('channel_user_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_refs_pk', ['channel', 'channel_user_id'])
        .execute();
      await db.schema
        .createTable('staff_channels')
        .addColumn('region_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('registered_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('staff_channels_pk', ['region_id', 'channel'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('staff_channels').ifExists().execute();
      await db.schema.dropTable('channel_refs').ifExists().execute();
    },
  },
  '2026-11-25-005-unanswered': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('unanswered')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('region_id', 'text', (c) => c.notNull())
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('lang', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('unanswered_region').on('unanswered').columns(['region_id', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('unanswered').ifExists().execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
