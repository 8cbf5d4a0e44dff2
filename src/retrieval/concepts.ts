import type { Concept } from '../knowledge/types.js';
import { stripProclitics, words } from './text.js';

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

  constructor(concepts: Concept[]) {
    for (const concept of concepts) {
      for (const terms of Object.values(concept.terms)) {
        for (const term of terms) {
          const parts = words(term).map(stripProclitics);
          if (parts.length === 0 || parts[0]!.length < 2) continue;
          const key = parts[0]!.slice(0, 2);
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
      for (const variant of new Set([tokens[i]!, stripped[i]!])) {
        for (const term of this.byPrefix.get(variant.slice(0, 2)) ?? []) {
          if (found.has(term.conceptId)) continue;
          if (this.matchesAt(term.parts, tokens, stripped, i, variant)) found.add(term.conceptId);
        }
      }
    }
    return found;
  }

  match(text: string): Set<string> {
    return this.matchWords(words(text));
  }

  private matchesAt(parts: string[], tokens: string[], stripped: string[], start: number, first: string): boolean {
    if (!startsWithTerm(first, parts[0]!)) return false;
    for (let k = 1; k < parts.length; k++) {
      const token = tokens[start + k];
      if (token === undefined) return false;
      if (!startsWithTerm(token, parts[k]!) && !startsWithTerm(stripped[start + k]!, parts[k]!)) return false;
    }
    return true;
  }
}

/** A term of one or two letters must be the whole word; longer ones may be a stem. */
function startsWithTerm(token: string, part: string): boolean {
  return part.length <= 2 ? token === part : token.startsWith(part);
}
