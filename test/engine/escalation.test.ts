import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/app.js';
import { matchEscalation } from '../../src/engine/index.js';
import { KNOWLEDGE_DIR, readyState, realAssistant } from '../helpers.js';

let assistant: Assistant;
beforeAll(async () => {
  assistant = await realAssistant();
});

const cases: [string, string, string | null][] = [
  ['en', 'I want to talk to a real person please', 'human_request'],
  ['uk', 'Можна поговорити з живою людиною, а не з ботом?', 'human_request'],
  ['ar', 'بدي احكي مع موظف حقيقي مش روبوت', 'human_request'],
  ['de', 'Ich habe eine Abschiebungsandrohung bekommen, was jetzt?', 'legal_case'],
  ['en', 'I got a letter that my asylum was rejected and I must leave in 2 weeks', 'legal_case'],
  ['en', 'my boss has not paid my salary for two months', 'exploitation'],
  ['pl', 'Szef zabrał mi paszport i nie płaci', 'exploitation'],
  ['ru', 'Я больше не могу, хочу покончить с собой', 'self_harm'],
  ['en', 'there is a fire in our house and my friend is not breathing', 'urgent_danger'],
  ['fr', 'Mon mari me frappe, j’ai peur', 'urgent_danger'],
  ['en', 'is there a helpline for women who face violence?', null],
  ['en', 'where can I get a free lawyer?', null],
  ['en', 'what is the minimum wage?', null],
  ['de', 'Wann darf ich als Asylbewerber arbeiten?', null],
];

describe('escalation rules', () => {
  it.each(cases)('[%s] "%s" → %s', (_lang, message, reason) => {
    expect(matchEscalation(message, assistant.knowledge.escalationRules)?.reason ?? null).toBe(reason);
  });

  it("pass every example listed in knowledge/escalation.yaml's tests", () => {
    const file = YAML.parse(readFileSync(path.join(KNOWLEDGE_DIR, 'escalation.yaml'), 'utf8')) as {
      tests?: { text: string; lang: string; expect: string | null }[];
    };
    const ids = new Map(assistant.knowledge.escalationRules.map((r) => [r.id, r]));
    const failures = (file.tests ?? []).filter((t) => {
      const rule = matchEscalation(t.text, assistant.knowledge.escalationRules);
      return t.expect === null ? rule !== undefined : rule?.reason !== ids.get(t.expect)?.reason;
    });
    expect((file.tests ?? []).length).toBeGreaterThan(100);
    expect(failures.map((f) => `${f.lang}: ${f.text} → ${f.expect}`)).toEqual([]);
  });

  it('answers urgent danger at once with the region emergency number, then hands over', async () => {
    const result = await assistant.engine.handle(
      { channel: 'web', userId: 'u', kind: 'text', text: 'Hay un incendio en el almacén donde vivimos y mi amigo no respira' },
      readyState('asco'),
    );
    expect(result.escalation).toEqual({ reason: 'urgent_danger', severity: 'urgent' });
    expect(result.replies[0]!.text).toContain('112');
    expect(result.state.handoff).toBe('queued');
    expect(result.lang).toBe('es');
  });

  it('still answers urgent danger while staff hold the chat', async () => {
    const result = await assistant.engine.handle(
      { channel: 'web', userId: 'u', kind: 'text', text: 'I want to kill myself' },
      readyState('linkoping', 'migrant', { handoff: 'staff' }),
    );
    expect(result.escalation?.severity).toBe('urgent');
    expect(result.replies).toHaveLength(1);
  });
});
