import { ConceptMatcher } from './concepts.js';
import { stem } from './stem.js';
import { stripProclitics, words } from './text.js';

/** The prefix that marks a concept id among the terms of a text. */
export const CONCEPT_MARK = 'c:';

/** What the retrieval sees of a text: stemmed words and the concepts it names. */
export interface Analysis {
  terms: string[];
  concepts: Set<string>;
}

/** Turns text into search terms: folded, stemmed words plus concept ids. */
export class Analyzer {
  constructor(readonly concepts: ConceptMatcher) {}

  analyze(text: string, lang: string): Analysis {
    const tokens = words(text);
    const concepts = this.concepts.matchWords(tokens);
    const terms = tokens.map((token) => stem(stripProclitics(token), lang));
    for (const concept of concepts) terms.push(CONCEPT_MARK + concept);
    return { terms, concepts };
  }
}
