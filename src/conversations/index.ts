export { ConversationService, type Delivery, type DeliveryListener } from './service.js';
export { RateLimiter } from './limits.js';
