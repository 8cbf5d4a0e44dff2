export { HandoffService, type HandoffOptions } from './service.js';
export type { EscalationNotice, HandoffChange, HandoffOutcome, StaffAction, StaffActor, StaffSink, UserDelivery } from './types.js';
