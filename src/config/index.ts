import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** The public job APIs' own addresses, used unless configuration points elsewhere. */
export const DEFAULT_JOB_ROOTS = {
  baJobsucheApiRoot: 'https://rest.arbeitsagentur.de',
  jobtechApiRoot: 'https://jobsearch.api.jobtechdev.se',
};

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  INDEX_DIR: z.string().trim().min(1).optional(),
  KNOWLEDGE_DIR: z.string().trim().min(1).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  BA_JOBSUCHE_API_ROOT: url(['http:', 'https:']).default(DEFAULT_JOB_ROOTS.baJobsucheApiRoot),
  JOBTECH_API_ROOT: url(['http:', 'https:']).default(DEFAULT_JOB_ROOTS.jobtechApiRoot),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, '1-256 characters A-Z a-z 0-9 _ - (Telegram secret_token rules)')
    .optional(),
  TELEGRAM_API_ROOT: url(['http:', 'https:']).default('https://api.telegram.org'),
  TELEGRAM_STAFF_CHAT_ID: z
    .string()
    .regex(/^-?\d+$/, 'a numeric Telegram chat id, e.g. -1001234567890')
    .optional(),
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http:', 'https:']).optional(),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: optionalString,
  STAFF_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The whole validated configuration, read once at start and passed down. */
export interface Config {
  port: number;
  dataDir: string;
  /** Where retrieval indexes are kept (default DATA_DIR/index); replicas may share one, read-only. */
  indexDir: string;
  knowledgeDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  jobs: { baJobsucheApiRoot: string; jobtechApiRoot: string };
  telegram?: {
    token: string;
    mode: 'polling' | 'webhook';
    webhookSecret?: string;
    apiRoot: string;
    staffChatId?: string;
  };
  teams: { appId?: string; appPassword?: string; tenantId?: string; appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI' };
  openai?: { apiKey: string; baseUrl?: string; model: string; embeddingModel?: string };
  staffToken?: string;
  logLevel: string;
}

/** The folder holding regions.yaml and the documents, shipped with the package. */
export const defaultKnowledgeDir = path.resolve(import.meta.dirname, '../../knowledge');

/**
 * Reads and validates the environment. A bad value throws a ConfigError whose message is
 * one line naming the variable and what is allowed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const allowed = 'options' in issue && Array.isArray(issue.options) ? `one of ${issue.options.join(', ')}` : issue.message;
    throw new ConfigError(variable, `${allowed} (got ${JSON.stringify(env[variable] ?? '')})`);
  }
  const e = result.data;
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_MODE === 'webhook' && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'required when TELEGRAM_MODE=webhook');
  }
  if (e.MICROSOFT_APP_ID && e.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !e.MICROSOFT_APP_PASSWORD) {
    throw new ConfigError('MICROSOFT_APP_PASSWORD', `required with MICROSOFT_APP_ID for ${e.MICROSOFT_APP_TYPE}`);
  }
  if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_TENANT_ID) {
    throw new ConfigError('MICROSOFT_APP_TENANT_ID', 'required when MICROSOFT_APP_TYPE=SingleTenant');
  }
  if (e.OPENAI_BASE_URL && !e.OPENAI_API_KEY) {
    throw new ConfigError('OPENAI_API_KEY', 'required with OPENAI_BASE_URL (any non-empty value for servers without keys)');
  }
  return {
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    indexDir: path.resolve(e.INDEX_DIR ?? path.join(e.DATA_DIR, 'index')),
    knowledgeDir: e.KNOWLEDGE_DIR ? path.resolve(e.KNOWLEDGE_DIR) : defaultKnowledgeDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jobs: { baJobsucheApiRoot: e.BA_JOBSUCHE_API_ROOT, jobtechApiRoot: e.JOBTECH_API_ROOT },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          mode: e.TELEGRAM_MODE,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT,
          staffChatId: e.TELEGRAM_STAFF_CHAT_ID,
        }
      : undefined,
    teams: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
    },
    openai: e.OPENAI_API_KEY
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL, embeddingModel: e.OPENAI_EMBEDDING_MODEL }
      : undefined,
    staffToken: e.STAFF_TOKEN,
    logLevel: e.LOG_LEVEL,
  };
}
