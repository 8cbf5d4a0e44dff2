export { loadKnowledge, knowledgeFingerprint, parseDocument, coverage } from './load.js';
export { splitPassages } from './passages.js';
export * from './types.js';
export { PassageIndex } from './passage-index.js';
