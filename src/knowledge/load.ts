import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';
import { SUPPORTED_LANGUAGES } from '../i18n/languages.js';
import { splitPassages } from './passages.js';
import {
  REQUIRED_TOPICS,
  type Concept,
  type EscalationRule,
  type Knowledge,
  type KnowledgeDocument,
  type Region,
} from './types.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'a real calendar date');
const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL');
const langCode = z.string().refine((code) => SUPPORTED_LANGUAGES.includes(code), {
  message: `a supported language code (${SUPPORTED_LANGUAGES.join(', ')})`,
});

const frontMatterSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().trim().min(1),
  lang: langCode,
  audience: z.enum(['migrant', 'employer', 'both']),
  topics: z.array(z.enum(REQUIRED_TOPICS)).min(1),
  source: z.union([httpUrl, z.array(httpUrl).min(1)]),
  verified: isoDate,
  expires: isoDate.optional(),
  questions: z.record(z.string(), z.array(z.string().trim().min(1))).optional(),
});

/** Phone numbers may be written unquoted in YAML (112): read them as text. */
const phone = z.union([z.string(), z.number()]).transform(String);

const officeSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  local_name: z.string().nullish(),
  helps_with: z.string().nullish(),
  address: z.string().nullish(),
  phone: phone.nullish(),
  url: z.string().nullish(),
  hours: z.string().nullish(),
});

const regionSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  local_name: z.string().min(1),
  country: z.string().regex(/^[a-z]{2}$/),
  languages: z.array(langCode).min(1),
  timezone: z.string().min(1),
  towns: z.array(z.string()).default([]),
  offices: z.array(officeSchema).min(1),
  emergency: z.object({
    general: phone,
    police: phone.nullish(),
    ambulance: phone.nullish(),
    helplines: z.array(z.object({ name: z.string(), number: phone, note: z.string().nullish() })).default([]),
  }),
  contact_office: z.string().min(1),
  staff: z
    .object({ telegram_chat_id: z.union([z.string(), z.number()]).nullish(), teams_channel_id: z.string().nullish() })
    .default({}),
  office_hours: z.object({
    days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
    from: z.string().regex(/^\d{2}:\d{2}$/),
    to: z.string().regex(/^\d{2}:\d{2}$/),
  }),
  unclaimed_minutes: z.number().int().positive().default(30),
  retention: z
    .object({ idle_close_days: z.number().int().positive(), delete_closed_after_days: z.number().int().positive() })
    .default({ idle_close_days: 30, delete_closed_after_days: 90 }),
  jobs: z
    .object({
      source: z.enum(['ba-jobsuche', 'jobtech']),
      place: z.string().optional(),
      radius_km: z.number().int().positive().optional(),
      municipality: z.string().optional(),
    })
    .optional(),
});

const REASONS = ['human_request', 'urgent_danger', 'self_harm', 'legal_case', 'exploitation', 'forbidden_topic'] as const;
const escalationSchema = z.object({
  rules: z
    .array(
      z.object({
        id: z.string().min(1),
        reason: z.enum(REASONS),
        severity: z.enum(['normal', 'urgent']),
        action: z.enum(['escalate', 'offer']),
        reply: z.string().min(1),
        patterns: z.record(z.string(), z.array(z.string().min(1))),
      }),
    )
    .min(1),
});

const conceptsSchema = z.object({
  concepts: z.record(z.string().regex(/^[a-z0-9_]+$/), z.record(z.string(), z.array(z.string().min(1)))),
});

/** Turns the first problem zod found into a KnowledgeError naming the file and field. */
function fail(file: string, error: z.ZodError): never {
  const issue = error.issues[0]!;
  throw new KnowledgeError(file, issue.path.join('.') || '(root)', issue.message);
}

function parseYaml(file: string, text: string, what: string): unknown {
  try {
    return YAML.parse(text, { prettyErrors: false });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new KnowledgeError(file, what, `not valid YAML (${message})`);
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parses and validates one document file. */
export function parseDocument(file: string, text: string, scope: string): KnowledgeDocument {
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new KnowledgeError(file, 'front-matter', 'missing: the file must start with a --- block');
  const raw = parseYaml(file, match[1]!, 'front-matter');
  if (raw === null || typeof raw !== 'object') throw new KnowledgeError(file, 'front-matter', 'must be a YAML mapping');
  const parsed = frontMatterSchema.safeParse(raw);
  if (!parsed.success) fail(file, parsed.error);
  const fm = parsed.data;
  const body = match[2]!.trim();
  if (body.length < 40) throw new KnowledgeError(file, 'body', 'empty or too short');
  for (const lang of Object.keys(fm.questions ?? {})) {
    if (!SUPPORTED_LANGUAGES.includes(lang)) throw new KnowledgeError(file, `questions.${lang}`, 'not a supported language code');
  }
  if (fm.verified > new Date().toISOString().slice(0, 10)) {
    throw new KnowledgeError(file, 'verified', 'lies in the future');
  }
  return {
    id: fm.id,
    title: fm.title,
    lang: fm.lang,
    audience: fm.audience,
    topics: fm.topics,
    sources: Array.isArray(fm.source) ? fm.source : [fm.source],
    verified: fm.verified,
    expires: fm.expires,
    questions: fm.questions ?? {},
    body,
    scope,
    file,
  };
}

function toRegion(file: string, raw: unknown, index: number): Region {
  const parsed = regionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KnowledgeError(file, [`regions[${index}]`, ...issue.path].join('.'), issue.message);
  }
  const r = parsed.data;
  if (!r.offices.some((office) => office.id === r.contact_office)) {
    throw new KnowledgeError(file, `regions[${index}].contact_office`, `no office with id "${r.contact_office}"`);
  }
  return {
    id: r.id,
    name: r.name,
    localName: r.local_name,
    country: r.country,
    languages: r.languages,
    timezone: r.timezone,
    towns: r.towns,
    offices: r.offices.map((o) => ({
      id: o.id,
      kind: o.kind,
      name: o.name,
      localName: o.local_name,
      helpsWith: o.helps_with,
      address: o.address,
      phone: o.phone,
      url: o.url,
      hours: o.hours,
    })),
    emergency: { ...r.emergency, helplines: r.emergency.helplines },
    contactOffice: r.contact_office,
    staff: {
      telegramChatId: r.staff.telegram_chat_id == null ? null : String(r.staff.telegram_chat_id),
      teamsChannelId: r.staff.teams_channel_id ?? null,
    },
    officeHours: r.office_hours,
    unclaimedMinutes: r.unclaimed_minutes,
    retention: { idleCloseDays: r.retention.idle_close_days, deleteClosedAfterDays: r.retention.delete_closed_after_days },
    jobs: r.jobs ? { source: r.jobs.source, place: r.jobs.place, radiusKm: r.jobs.radius_km, municipality: r.jobs.municipality } : undefined,
  };
}

function loadRegions(dir: string): Map<string, Region> {
  const file = path.join(dir, 'regions.yaml');
  const raw = parseYaml(file, readFileSync(file, 'utf8'), 'regions') as { regions?: unknown };
  if (!raw || !Array.isArray(raw.regions)) throw new KnowledgeError(file, 'regions', 'must be a list');
  const regions = new Map<string, Region>();
  raw.regions.forEach((entry, index) => {
    const region = toRegion(file, entry, index);
    if (regions.has(region.id)) throw new KnowledgeError(file, `regions[${index}].id`, `duplicate "${region.id}"`);
    regions.set(region.id, region);
  });
  return regions;
}

function loadEscalationRules(dir: string): EscalationRule[] {
  const file = path.join(dir, 'escalation.yaml');
  const parsed = escalationSchema.safeParse(parseYaml(file, readFileSync(file, 'utf8'), 'rules'));
  if (!parsed.success) fail(file, parsed.error);
  return parsed.data.rules.map((rule, index) => ({
    id: rule.id,
    reason: rule.reason,
    severity: rule.severity,
    action: rule.action,
    reply: rule.reply,
    patterns: Object.entries(rule.patterns).flatMap(([lang, list]) =>
      list.map((source, n) => {
        try {
          return { lang, regex: new RegExp(source, 'iu') };
        } catch (error) {
          throw new KnowledgeError(file, `rules[${index}].patterns.${lang}[${n}]`, (error as Error).message);
        }
      }),
    ),
  }));
}

function loadConcepts(dir: string): Concept[] {
  const file = path.join(dir, 'concepts.yaml');
  const parsed = conceptsSchema.safeParse(parseYaml(file, readFileSync(file, 'utf8'), 'concepts'));
  if (!parsed.success) fail(file, parsed.error);
  return Object.entries(parsed.data.concepts).map(([id, terms]) => ({ id, terms }));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => path.join(dir, entry))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** What a knowledge cache file holds: the validated data, without compiled expressions. */
interface CachedKnowledge {
  regions: [string, Region][];
  documents: KnowledgeDocument[];
  rules: (Omit<EscalationRule, 'patterns'> & { patterns: { lang: string; source: string }[] })[];
  concepts: Concept[];
}

/** Bump when the shape of the cached knowledge changes, so that an old cache is not read. */
const CACHE_VERSION = 3;

/** The hash of every file under knowledge/: the same hash means the same knowledge. */
export function knowledgeFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * Loads and validates everything under knowledge/. Any invalid file stops the load with a
 * KnowledgeError whose message is one line naming the file and the field. With `cacheDir`,
 * the validated result is kept there as JSON and read back while knowledge/ is unchanged
 * (parsing the YAML of every file takes seconds; reading the JSON a fraction of that).
 */
export function loadKnowledge(dir: string, options: { cacheDir?: string } = {}): Knowledge {
  const fingerprint = knowledgeFingerprint(dir);
  const cacheFile = options.cacheDir ? path.join(options.cacheDir, `knowledge-v${CACHE_VERSION}-${fingerprint}.json`) : undefined;
  if (cacheFile && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedKnowledge;
    return {
      regions: new Map(cached.regions),
      documents: cached.documents,
      passages: cached.documents.flatMap(splitPassages),
      escalationRules: cached.rules.map((rule) => ({ ...rule, patterns: rule.patterns.map((p) => ({ lang: p.lang, regex: new RegExp(p.source, 'iu') })) })),
      concepts: cached.concepts,
      fingerprint,
    };
  }
  const knowledge = parseKnowledge(dir, fingerprint);
  if (cacheFile) {
    const cached: CachedKnowledge = {
      regions: [...knowledge.regions],
      documents: knowledge.documents,
      rules: knowledge.escalationRules.map((rule) => ({ ...rule, patterns: rule.patterns.map((p) => ({ lang: p.lang, source: p.regex.source })) })),
      concepts: knowledge.concepts,
    };
    mkdirSync(options.cacheDir!, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(cached));
    renameSync(temp, cacheFile);
  }
  return knowledge;
}

function parseKnowledge(dir: string, fingerprint: string): Knowledge {
  const regions = loadRegions(dir);
  const scopes = new Set<string>(['eu']);
  for (const region of regions.values()) scopes.add(region.id).add(region.country);

  const documents: KnowledgeDocument[] = [];
  const seen = new Map<string, string>();
  for (const file of listFiles(dir)) {
    const relative = path.relative(dir, file);
    const parts = relative.split(path.sep);
    if (parts.length < 2 || !file.endsWith('.md')) continue;
    const scope = parts[0]!;
    if (!scopes.has(scope)) throw new KnowledgeError(relative, 'folder', `"${scope}" is not eu, a country or a region id`);
    const doc = parseDocument(relative, readFileSync(file, 'utf8'), scope);
    const key = `${doc.id}@${doc.lang}`;
    const earlier = seen.get(key);
    if (earlier) throw new KnowledgeError(relative, 'id', `"${doc.id}" in "${doc.lang}" is also in ${earlier}`);
    seen.set(key, relative);
    documents.push(doc);
  }
  checkTranslations(documents);
  return {
    regions,
    documents,
    passages: documents.flatMap(splitPassages),
    escalationRules: loadEscalationRules(dir),
    concepts: loadConcepts(dir),
    fingerprint,
  };
}

/** Translations of one document must share scope, sources and audience. */
function checkTranslations(documents: KnowledgeDocument[]): void {
  const byId = new Map<string, KnowledgeDocument>();
  for (const doc of documents) {
    const first = byId.get(doc.id);
    if (!first) {
      byId.set(doc.id, doc);
      continue;
    }
    if (first.scope !== doc.scope) throw new KnowledgeError(doc.file, 'id', `"${doc.id}" is also used in ${first.file}`);
    if (first.audience !== doc.audience) throw new KnowledgeError(doc.file, 'audience', `differs from ${first.file}`);
  }
}

/** Topics a region is covered on, per language, counting its own, its country's and eu documents. */
export function coverage(knowledge: Knowledge, regionId: string): Map<string, Set<string>> {
  const region = knowledge.regions.get(regionId);
  const covered = new Map<string, Set<string>>();
  if (!region) return covered;
  const scopes = new Set([region.id, region.country, 'eu']);
  for (const doc of knowledge.documents) {
    if (!scopes.has(doc.scope)) continue;
    for (const topic of doc.topics) {
      if (!(REQUIRED_TOPICS as readonly string[]).includes(topic)) continue;
      const langs = covered.get(topic) ?? new Set<string>();
      langs.add(doc.lang);
      covered.set(topic, langs);
    }
  }
  return covered;
}
