export { HandoffService, type HandoffOptions } from './service.js';
export type { EscalationNotice, HandoffChange, HandoffOutcome, StaffActor, StaffSink, UserDelivery } from './types.js';
