export { ConversationService, type Delivery } from './service.js';
