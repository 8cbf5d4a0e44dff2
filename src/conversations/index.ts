export { ConversationService, type Delivery, type DeliveryListener, type SharedCoordination } from './service.js';
export { RateLimiter } from './limits.js';
