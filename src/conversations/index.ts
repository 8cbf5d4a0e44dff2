export { ConversationService, type Delivery, type DeliveryListener } from './service.js';
