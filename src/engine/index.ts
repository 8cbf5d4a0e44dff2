export { Engine, MAX_MESSAGE_CHARS, officeHours, isOfficeOpen, languageName, shortName, type EngineParts } from './engine.js';
export { matchEscalation } from './escalation.js';
export { makeReply } from './format.js';
export * from './types.js';
