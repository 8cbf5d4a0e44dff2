import client from 'prom-client';
import type { ConversationService } from '../conversations/index.js';
import type { Store } from '../store/index.js';

/**
 * Prometheus metrics (GET /metrics): messages by channel and language, answer latency,
 * escalations by reason, unanswered questions, and the handoff queue length.
 */
export function createMetrics(conversations: ConversationService, store: Store) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const messages = new client.Counter({ name: 'milestone_messages_total', help: 'Messages received, by channel and language', labelNames: ['channel', 'lang'], registers: [registry] });
  const latency = new client.Histogram({
    name: 'milestone_answer_seconds',
    help: 'Time to answer one message (or burst), engine and store',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const escalations = new client.Counter({ name: 'milestone_escalations_total', help: 'Escalations, by reason', labelNames: ['reason'], registers: [registry] });
  const unanswered = new client.Counter({ name: 'milestone_unanswered_total', help: 'Questions that found no good answer, by region', labelNames: ['region'], registers: [registry] });
  new client.Gauge({
    name: 'milestone_handoff_queue_length',
    help: 'Conversations waiting for staff (queued) and held by staff',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const open = await store.listConversations(['queued', 'staff']);
      this.set({ state: 'queued' }, open.filter((c) => c.state.handoff === 'queued').length);
      this.set({ state: 'staff' }, open.filter((c) => c.state.handoff === 'staff').length);
    },
  });
  conversations.onDelivery(async (delivery, incoming) => {
    const channel = incoming[0]?.channel ?? 'unknown';
    messages.inc({ channel, lang: delivery.lang }, incoming.length);
    if (delivery.elapsedMs !== undefined) latency.observe({ channel }, delivery.elapsedMs / 1000);
    for (const event of delivery.events) {
      if (event.type === 'escalate') escalations.inc({ reason: event.reason });
      if (event.type === 'unanswered') unanswered.inc({ region: delivery.state.regionId ?? 'none' });
    }
  });
  return registry;
}
