export type { Answer, AnswerRequest, Answerer, Citation } from './types.js';
export { ExtractiveAnswerer, splitSentences } from './extractive.js';
export { confidenceOf, judgeEvidence, isNotConfirmedPassage, MIN_CONFIDENCE } from './confidence.js';
export { ChatModel, LlmAnswerer, checkCitations, isFaithful } from './llm.js';
export { loadPrompt, fill } from './prompts.js';
export { StaffAssistant } from './staff-assist.js';
