import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAssistant, type Assistant } from '../src/app.js';
import { defaultKnowledgeDir } from '../src/config/index.js';
import { newConversationState, type ConversationState } from '../src/engine/index.js';

export const KNOWLEDGE_DIR = process.env.KNOWLEDGE_DIR ? path.resolve(process.env.KNOWLEDGE_DIR) : defaultKnowledgeDir;
export const SHARED_DIR = path.resolve(import.meta.dirname, '../../shared');

/** One index for the whole run: built by the first test file that needs it, loaded by the rest. */
export const INDEX_DIR = path.join(tmpdir(), 'milestone-test-index');

/** Environment for servers started by tests: every one shares the same built index. */
export function testEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PORT: '0', DATA_DIR: dataDir, INDEX_DIR, KNOWLEDGE_DIR, ...extra };
}

/** The same, with the Telegram channel in webhook mode against a local Bot API double. */
export function telegramEnv(dataDir: string, apiRoot: string, secret: string, extra: Record<string, string> = {}): Record<string, string> {
  return testEnv(dataDir, {
    TELEGRAM_BOT_TOKEN: '123456:TEST-token',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: secret,
    TELEGRAM_API_ROOT: apiRoot,
    ...extra,
  });
}

let assistant: Promise<Assistant> | undefined;

/** The real assistant over the real knowledge base (offline, local embeddings). */
export function realAssistant(): Promise<Assistant> {
  mkdirSync(INDEX_DIR, { recursive: true });
  assistant ??= createAssistant({ knowledgeDir: KNOWLEDGE_DIR, dataDir: INDEX_DIR, indexDir: INDEX_DIR, openai: undefined });
  return assistant;
}

/** A conversation past onboarding, in a region and role. */
export function readyState(regionId: string, role: 'migrant' | 'employer' = 'migrant', extra: Partial<ConversationState> = {}): ConversationState {
  return { ...newConversationState(), regionId, role, privacyNoticeAt: '2026-01-01T00:00:00.000Z', ...extra };
}

/** A writable copy of the knowledge base, for tests that break a file on purpose. */
export function copyOfKnowledge(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'milestone-kb-'));
  cpSync(KNOWLEDGE_DIR, dir, { recursive: true });
  return dir;
}

export function tempDir(prefix = 'milestone-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
