export { Store, type Conversation, type ConversationSummary, type StaffThread, type StoredMessage, type HandoffEvent, type UserExport } from './store.js';
