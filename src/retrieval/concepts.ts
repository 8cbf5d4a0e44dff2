import type { Concept } from '../knowledge/types.js';
import { isHan, stripProclitics, words } from './text.js';

/** Terms are indexed by the first letters of their first word (shorter words by all of it). */
const PREFIX = 3;

interface Term {
  conceptId: string;
  parts: string[];
}

/**
 * Finds the concepts of knowledge/concepts.yaml in a text, in any language: each term
 * matches at the start of words, so a stem catches its inflections ("працю" in "працюю").
 * This is the bridge that lets a Somali question meet an English document.
 */
export class ConceptMatcher {
  private readonly byPrefix = new Map<string, Term[]>();
  /** Chinese terms match anywhere inside a run of characters: Chinese puts no spaces between words. */
  private readonly han: Term[] = [];

  constructor(concepts: Concept[]) {
    for (const concept of concepts) {
      for (const terms of Object.values(concept.terms)) {
        for (const term of terms) {
          const parts = words(term);
          if (parts.length === 0 || parts[0]!.length < 1) continue;
          if (parts.length === 1 && isHan(parts[0]!)) {
            this.han.push({ conceptId: concept.id, parts });
            continue;
          }
          const key = parts[0]!.slice(0, PREFIX);
          const list = this.byPrefix.get(key) ?? [];
          list.push({ conceptId: concept.id, parts });
          this.byPrefix.set(key, list);
        }
      }
    }
  }

  /** Concept ids found in already split, folded words. */
  matchWords(tokens: string[]): Set<string> {
    const found = new Set<string>();
    const stripped = tokens.map(stripProclitics);
    for (let i = 0; i < tokens.length; i++) {
      if (isHan(tokens[i]!)) {
        for (const term of this.han) if (!found.has(term.conceptId) && tokens[i]!.includes(term.parts[0]!)) found.add(term.conceptId);
        continue;
      }
      for (const variant of new Set([tokens[i]!, stripped[i]!])) {
        // A term's first word is a prefix of the token: look up every prefix length up to PREFIX.
        for (let length = 1; length <= Math.min(PREFIX, variant.length); length++) {
          for (const term of this.byPrefix.get(variant.slice(0, length)) ?? []) {
            if (found.has(term.conceptId) || term.parts[0]!.length < length || (length < PREFIX && term.parts[0]!.length > length)) continue;
            if (this.matchesAt(term.parts, tokens, stripped, i, variant)) found.add(term.conceptId);
          }
        }
      }
    }
    return found;
  }

  match(text: string): Set<string> {
    return this.matchWords(words(text));
  }

  /**
   * Whether the term's words start the tokens from `start` on. One other word may stand
   * between two of them ("вивчати шведську мову" for "вивчити мов", "learn the Swedish language").
   */
  private matchesAt(parts: string[], tokens: string[], stripped: string[], start: number, first: string): boolean {
    if (!startsWithTerm(first, parts[0]!)) return false;
    let at = start;
    for (let k = 1; k < parts.length; k++) {
      const fits = (i: number) => tokens[i] !== undefined && (startsWithTerm(tokens[i]!, parts[k]!) || startsWithTerm(stripped[i]!, parts[k]!));
      if (fits(at + 1)) at += 1;
      else if (fits(at + 2)) at += 2;
      else return false;
    }
    return true;
  }
}

/** A term of one or two letters must be the whole word; longer ones may be a stem. */
function startsWithTerm(token: string, part: string): boolean {
  return part.length <= 2 ? token === part : token.startsWith(part);
}
