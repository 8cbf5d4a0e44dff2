import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Engine } from '../engine/index.js';
import { newConversationState } from '../engine/types.js';
import { fold } from '../retrieval/index.js';

const itemSchema = z.object({
  id: z.string(),
  region: z.string(),
  role: z.enum(['migrant', 'employer']),
  lang: z.string(),
  question: z.string(),
  expect: z.enum(['answer', 'escalate', 'none']),
  must_mention: z.array(z.string()).default([]),
  source: z.string().optional(),
});
export type EvalItem = z.infer<typeof itemSchema>;

/** One item's outcome, as `milestone eval --details` prints it. */
export interface EvalDetail {
  id: string;
  answer: string;
  lang: string;
  found: boolean;
  citations: { title: string; url: string; sources: string[]; docId: string }[];
  escalate: boolean;
  reason: string | null;
  ms: number;
  /** With an LLM: whether every cited passage contains the facts it is cited for. */
  faithful?: boolean;
}

export function readEvalFile(file: string): EvalItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line)
    .map(({ line, index }) => {
      const parsed = itemSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      return parsed.data;
    });
}

/** Runs one question as a new conversation whose region and role are already set. */
export async function askOnce(
  engine: Engine,
  question: string,
  regionId: string,
  role: 'migrant' | 'employer',
  lang?: string,
): Promise<EvalDetail & { text: string; confidence: number }> {
  const state = { ...newConversationState(), regionId, role, privacyNoticeAt: new Date(0).toISOString() };
  if (lang) Object.assign(state, { lang, langChosen: true });
  const started = performance.now();
  const result = await engine.handle({ channel: 'eval', userId: 'eval', kind: 'text', text: question }, state);
  const ms = performance.now() - started;
  const citations = (result.answer?.citations ?? []).map(({ title, url, sources, docId }) => ({ title, url, sources, docId }));
  return {
    id: '',
    answer: result.replies.map((r) => r.parts.body.join('\n')).join('\n'),
    text: result.replies.map((r) => r.text).join('\n\n'),
    lang: result.lang,
    found: result.answer?.found ?? false,
    citations,
    escalate: Boolean(result.escalation),
    reason: result.escalation?.reason ?? null,
    ms: Math.round(ms * 100) / 100,
    confidence: result.answer?.confidence ?? 0,
    ...(result.answer?.faithful === undefined ? {} : { faithful: result.answer.faithful }),
  };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 100) / 100;
}

const share = (hits: number, total: number) => (total ? Math.round((hits / total) * 1000) / 1000 : null);

/** The metrics of DESIGN.md's eval format over a set of items and their outcomes. */
export function scoreEval(items: EvalItem[], details: EvalDetail[]) {
  const summarize = (pairs: [EvalItem, EvalDetail][]) => {
    const answerable = pairs.filter(([item]) => item.expect === 'answer');
    const none = pairs.filter(([item]) => item.expect === 'none');
    const shouldEscalate = pairs.filter(([item]) => item.expect === 'escalate');
    const escalated = pairs.filter(([, d]) => d.escalate);
    const sourceHit = answerable.filter(([item, d]) => item.source && d.citations.slice(0, 3).some((c) => c.url === item.source || c.sources.includes(item.source!)));
    const mentions = answerable.filter(([item, d]) => item.must_mention.every((term) => fold(d.answer).includes(fold(term))));
    return {
      n: pairs.length,
      answer_rate: share(answerable.filter(([, d]) => d.found && !d.escalate).length, answerable.length),
      source_hit_at_3: share(sourceHit.length, answerable.length),
      must_mention_rate: share(mentions.length, answerable.length),
      escalation_precision: share(escalated.filter(([item]) => item.expect === 'escalate').length, escalated.length),
      escalation_recall: share(shouldEscalate.filter(([, d]) => d.escalate).length, shouldEscalate.length),
      abstain_rate: share(none.filter(([, d]) => !d.found).length, none.length),
      false_abstain_rate: share(answerable.filter(([, d]) => !d.found).length, answerable.length),
      reply_lang_rate: share(pairs.filter(([item, d]) => d.lang === item.lang).length, pairs.length),
      faithfulness: share(pairs.filter(([, d]) => d.faithful === true).length, pairs.filter(([, d]) => d.faithful !== undefined).length),
      p50_ms: percentile(pairs.map(([, d]) => d.ms), 50),
      p95_ms: percentile(pairs.map(([, d]) => d.ms), 95),
    };
  };
  const pairs = items.map((item, i) => [item, details[i]!] as [EvalItem, EvalDetail]);
  const byLang: Record<string, ReturnType<typeof summarize>> = {};
  for (const lang of [...new Set(items.map((i) => i.lang))].sort()) byLang[lang] = summarize(pairs.filter(([item]) => item.lang === lang));
  return { ...summarize(pairs), by_lang: byLang };
}
