import type { DocumentHit } from '../retrieval/index.js';

/**
 * How sure we are that a document answers the question, from 0 to 1. A question whose
 * concepts the document does not name, and whose words it barely shares, is not answered
 * from it: the assistant says it does not know rather than guess.
 */
export function confidenceOf(hit: DocumentHit | undefined, queryConcepts: string[]): number {
  if (!hit) return 0;
  const conceptShare = queryConcepts.length ? hit.sharedConcepts.length / queryConcepts.length : 0.5;
  const similarity = Math.max(0, Math.min(1, (hit.similarity - 0.15) / 0.5));
  const lexical = Math.max(0, Math.min(1, hit.lexical / 4));
  const value = 0.4 * conceptShare + 0.35 * similarity + 0.25 * lexical;
  return Math.round((hit.roleMatches ? value : value * 0.85) * 1000) / 1000;
}

/** Below this, the answer is "I don't know" and the offer of a person. */
export const MIN_CONFIDENCE = 0.3;
