import type { Passage } from '../knowledge/types.js';
import type { DocumentHit, SearchResult } from '../retrieval/index.js';
import { CountryMatcher } from '../retrieval/places.js';

const clamp = (value: number) => Math.max(0, Math.min(1, value));

/**
 * How sure we are that a document answers the question, from 0 to 1: how close its nearest
 * unit is (vector similarity), how many of the question's concepts it names, and how well
 * its words match (BM25). Weak evidence means "I don't know" and the offer of a person.
 */
export function confidenceOf(hit: DocumentHit | undefined, queryConcepts: string[]): number {
  if (!hit) return 0;
  const similarity = clamp((hit.similarity - 0.25) / 0.45);
  const lexical = clamp(Math.log1p(hit.lexical) / Math.log1p(30));
  const value = queryConcepts.length
    ? 0.45 * similarity + 0.35 * (hit.sharedConcepts.length / queryConcepts.length) + 0.2 * lexical
    : 0.7 * similarity + 0.3 * lexical;
  return Math.round((hit.roleMatches ? value : value * 0.85) * 1000) / 1000;
}

/** Below this, the answer is "I don't know" and the offer of a person. */
export const MIN_CONFIDENCE = 0.5;

const countries = new CountryMatcher();

/** Headings of the "What is not confirmed" sections, in the knowledge base's languages. */
const NOT_CONFIRMED = /not confirmed|nicht bestätigt|no confirmad|no està confirmat|non confermat|ei ole vahvistettu|ei vahvistettu|inte bekräftat|niepotwierdzon|nie jest potwierdzon|niet bevestigd|ni potrjen|δεν (έχει )?επιβεβαι|δεν είναι επιβεβαιωμ/i;

export function isNotConfirmedPassage(passage: Passage | undefined): boolean {
  return Boolean(passage && passage.position > 0 && NOT_CONFIRMED.test(passage.heading));
}

/**
 * Whether the knowledge base can answer at all, before choosing sentences: not when the
 * evidence is weak, and not when the question is about another country.
 */
export function judgeEvidence(
  question: string,
  regionCountry: string,
  search: SearchResult,
): { answerable: boolean; confidence: number; reason?: 'weak' | 'other-country' } {
  const best = search.hits[0];
  const confidence = confidenceOf(best, search.queryConcepts);
  if (!best || confidence < MIN_CONFIDENCE) return { answerable: false, confidence, reason: 'weak' };
  const elsewhere = [...countries.countriesIn(question)].filter((code) => code.toLowerCase() !== regionCountry);
  if (elsewhere.length) return { answerable: false, confidence: Math.min(confidence, 0.2), reason: 'other-country' };
  return { answerable: true, confidence };
}
