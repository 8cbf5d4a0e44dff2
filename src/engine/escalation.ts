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

/**
 * The escalation rule a message matches, most serious first. Patterns (knowledge/escalation.yaml)
 * are tried on the lower-cased text and on an accent-folded copy, in every language, because
 * people in distress mix languages and skip diacritics.
 */
export function matchEscalation(text: string, rules: EscalationRule[]): EscalationRule | undefined {
  const lower = text.toLowerCase().normalize('NFC');
  const folded = lower.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  const ordered = [...rules].sort((a, b) => ORDER[a.reason] - ORDER[b.reason]);
  return ordered.find((rule) => rule.patterns.some(({ regex }) => regex.test(lower) || regex.test(folded)));
}
