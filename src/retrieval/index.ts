export { Retriever, type DocumentHit, type SearchFilter, type SearchResult } from './retriever.js';
export { LocalEmbeddings, ApiEmbeddings } from './embeddings.js';
export { ConceptMatcher } from './concepts.js';
export { Analyzer, type Analysis } from './analyze.js';
export { fold, words } from './text.js';
