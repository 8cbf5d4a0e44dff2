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
  /** Called with the answer so far while an LLM streams it (channels show it progressively). */
  onPartial?: (textSoFar: string) => void;
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
  /** The sentences carry [n] markers that number the citations. */
  numbered?: boolean;
  /** For LLM answers: whether every cited passage contains the facts it is cited for. */
  faithful?: boolean;
}

/** Turns retrieved documents into an answer: extractive offline, or by an LLM when configured. */
export interface Answerer {
  answer(request: AnswerRequest): Promise<Answer>;
}
