import type { Region, Role } from '../knowledge/types.js';
import type { SearchResult } from '../retrieval/index.js';

/** A source shown under an answer. `url` is the document's first source, `sources` all of them. */
export interface Citation {
  title: string;
  url: string;
  sources: string[];
  docId: string;
  verified: string;
}

export interface AnswerRequest {
  question: string;
  /** The language the user reads. */
  lang: string;
  region: Region;
  role: Role;
  search: SearchResult;
}

/** What an answerer found: the sentences to show, and the sources they come from. */
export interface Answer {
  found: boolean;
  /** The answer's sentences, in `passageLang`. */
  sentences: string[];
  /** The language of the sentences: the user's where the knowledge base has it. */
  passageLang: string;
  citations: Citation[];
  confidence: number;
}

/** Turns retrieved documents into an answer: extractive offline, or by an LLM when configured. */
export interface Answerer {
  answer(request: AnswerRequest): Promise<Answer>;
}
