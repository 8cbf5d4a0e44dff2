import type { EscalationRule } from '../knowledge/types.js';

const ORDER: Record<EscalationRule['reason'], number> = {
  self_harm: 0,
  urgent_danger: 1,
  legal_case: 2,
  exploitation: 3,
  human_request: 4,
  forbidden_topic: 5,
  repeated_failure: 6,
};

/** The script each language's patterns are written in: a text is only tried against scripts it contains. */
const SCRIPTS: [RegExp, string[]][] = [
  [/[a-z]/, ['en', 'de', 'sl', 'pl', 'nl', 'es', 'ca', 'it', 'fi', 'sv', 'fr', 'tr', 'so', 'sq', 'bs']],
  [/[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u, ['ar', 'fa', 'ps', 'ur']],
  [/[\u0400-\u04FF]/u, ['uk', 'ru', 'mk', 'sr']],
  [/[\u0370-\u03FF\u1F00-\u1FFF]/u, ['el']],
  [/[\u1200-\u137F]/u, ['ti', 'am']],
  [/[\u0980-\u09FF]/u, ['bn']],
  [/[\u3400-\u9FFF]/u, ['zh']],
];
/** Languages whose patterns also use Latin letters (Greeklish, Banglish, Serbian Latin, pinyin). */
const ALSO_LATIN = new Set(['el', 'bn', 'sr', 'mk', 'zh', 'ar', 'fa', 'ur', 'ps', 'ru', 'uk', 'ti', 'am']);

const ordered = new WeakMap<EscalationRule[], EscalationRule[]>();

/**
 * The escalation rule a message matches, most serious first. Patterns (knowledge/escalation.yaml)
 * are tried on the lower-cased text and on an accent-folded copy, in every language written
 * in the message's scripts, because people in distress mix languages and skip diacritics.
 */
export function matchEscalation(text: string, rules: EscalationRule[]): EscalationRule | undefined {
  const lower = text.toLowerCase().normalize('NFC');
  const folded = lower.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  const texts = folded === lower ? [lower] : [lower, folded];
  const languages = new Set<string>();
  for (const [script, langs] of SCRIPTS) if (script.test(folded)) langs.forEach((l) => languages.add(l));
  const latin = /[a-z]/.test(folded);
  let sorted = ordered.get(rules);
  if (!sorted) ordered.set(rules, (sorted = [...rules].sort((a, b) => ORDER[a.reason] - ORDER[b.reason])));
  return sorted.find((rule) =>
    rule.patterns.some(({ lang, regex }) => (languages.has(lang) || (latin && ALSO_LATIN.has(lang))) && texts.some((t) => regex.test(t))),
  );
}
