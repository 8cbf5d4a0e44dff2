export { Store, type Conversation, type StoredMessage, type HandoffEvent, type UserExport } from './store.js';
