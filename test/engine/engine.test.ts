import { beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/app.js';
import { MAX_MESSAGE_CHARS, newConversationState, type IncomingMessage } from '../../src/engine/index.js';
import { readyState, realAssistant } from '../helpers.js';

let assistant: Assistant;
beforeAll(async () => {
  assistant = await realAssistant();
});

const text = (value: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({ channel: 'web', userId: 'u1', kind: 'text', text: value, ...extra });

describe('answers', () => {
  it('cites its source with title, link and checked date, and says it is not legal advice', async () => {
    const result = await assistant.engine.handle(text('When can an asylum seeker start working?'), readyState('burgenlandkreis'));
    expect(result.answer?.found).toBe(true);
    const [reply] = result.replies;
    expect(reply!.kind).toBe('answer');
    const citation = reply!.parts.citations[0]!;
    expect(citation.url).toMatch(/^https?:\/\//);
    expect(reply!.text).toContain(citation.url);
    expect(reply!.text).toContain(citation.verified);
    expect(reply!.parts.footer.join(' ')).toMatch(/not legal advice/);
  });

  it('answers a Burgenlandkreis user from German, never from Linköping or another region', async () => {
    const offices = ['Linköping', 'Arbetsförmedlingen', 'Migrationsverket', 'Jyväskylä', 'Groningen', 'Szczecin'];
    for (const question of ['Where is the office that helps foreigners?', 'where can i find a job', 'who recognises my diploma?']) {
      const result = await assistant.engine.handle(text(question), readyState('burgenlandkreis'));
      for (const citation of result.answer?.citations ?? []) {
        const doc = assistant.knowledge.documents.find((d) => d.id === citation.docId)!;
        expect(['burgenlandkreis', 'de', 'eu']).toContain(doc.scope);
      }
      for (const office of offices) expect(result.replies.map((r) => r.text).join(' ')).not.toContain(office);
    }
  });

  it('replies in the language of the question, with the framing translated', async () => {
    const result = await assistant.engine.handle(text('Коли я можу почати працювати, якщо я шукач притулку?'), readyState('burgenlandkreis'));
    expect(result.lang).toBe('uk');
    expect(result.replies[0]!.lang).toBe('uk');
    expect(result.replies[0]!.parts.footer.join(' ')).not.toMatch(/legal advice/);
  });

  it('marks Arabic replies right-to-left', async () => {
    const result = await assistant.engine.handle(text('متى يمكنني العمل كطالب لجوء؟'), readyState('groningen'));
    expect(result.lang).toBe('ar');
    expect(result.replies[0]!.dir).toBe('rtl');
  });

  it('says it does not know, and offers a person, for a question the knowledge base does not answer', async () => {
    const result = await assistant.engine.handle(text('What is the best pizza topping for a birthday party on a boat?'), readyState('linkoping'));
    expect(result.answer?.found).toBe(false);
    expect(result.replies[0]!.kind).toBe('not-found');
    expect(result.replies[0]!.parts.citations).toEqual([]);
    expect(result.replies[0]!.text).toMatch(/\/human/);
  });

  it('brings in a person after three questions in a row that found nothing', async () => {
    let state = readyState('asco');
    const reasons: (string | undefined)[] = [];
    for (const question of ['purple elephant disco tonight?', 'recipe for banana bread with walnuts', 'football results yesterday evening please']) {
      const result = await assistant.engine.handle(text(question), state);
      state = result.state;
      reasons.push(result.escalation?.reason);
    }
    expect(reasons).toEqual([undefined, undefined, 'repeated_failure']);
    expect(state.handoff).toBe('queued');
  });
});

describe('bad input', () => {
  it('answers an empty message clearly', async () => {
    const result = await assistant.engine.handle(text('   '), readyState('postojna'));
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]!.kind).toBe('notice');
  });

  it('refuses a huge message without answering it', async () => {
    const result = await assistant.engine.handle(text('work '.repeat(MAX_MESSAGE_CHARS)), readyState('postojna'));
    expect(result.replies[0]!.kind).toBe('notice');
    expect(result.replies[0]!.text).toContain(String(MAX_MESSAGE_CHARS));
    expect(result.answer).toBeUndefined();
  });

  it('asks for words when a message is only emoji', async () => {
    const result = await assistant.engine.handle(text('👍🙏😊'), readyState('piemonte'));
    expect(result.replies[0]!.kind).toBe('notice');
    expect(result.answer).toBeUndefined();
  });

  it('explains that it reads only text when it gets a sticker or voice note', async () => {
    const result = await assistant.engine.handle({ channel: 'telegram', userId: 'u', kind: 'unsupported' }, readyState('piemonte'));
    expect(result.replies[0]!.kind).toBe('notice');
    expect(result.replies[0]!.text).toMatch(/\/human/);
  });

  it('answers an unknown command with the way to /help', async () => {
    const result = await assistant.engine.handle(text('/frobnicate'), readyState('piemonte'));
    expect(result.replies[0]!.text).toMatch(/\/help/);
  });
});

describe('onboarding and commands', () => {
  it('asks for region, then role, shows the privacy notice, then answers the first question', async () => {
    let state = newConversationState();
    let result = await assistant.engine.handle(text('When can I start working as an asylum seeker?'), state);
    expect(result.replies.at(-1)!.choices?.map((c) => c.value)).toContain('region:groningen');
    state = result.state;
    result = await assistant.engine.handle(text('4'), state);
    expect(result.state.regionId).toBe('groningen');
    expect(result.replies[0]!.choices?.map((c) => c.value)).toEqual(['role:migrant', 'role:employer']);
    result = await assistant.engine.handle({ channel: 'web', userId: 'u1', kind: 'text', choice: 'role:migrant' }, result.state);
    expect(result.state.privacyNoticeAt).toBeDefined();
    expect(result.replies[0]!.text).toMatch(/Privacy/);
    expect(result.answer?.found).toBe(true);
  });

  it('sets the region from a deep link /start <region-id>', async () => {
    const result = await assistant.engine.handle(text('/start linkoping'), newConversationState());
    expect(result.state.regionId).toBe('linkoping');
  });

  it('keeps a chosen language even when the user writes in another', async () => {
    let result = await assistant.engine.handle(text('/language de'), readyState('linkoping'));
    expect(result.state.langChosen).toBe(true);
    result = await assistant.engine.handle(text('where can I learn Swedish?'), result.state);
    expect(result.lang).toBe('de');
  });

  it('hands over on /human and then stays silent while staff hold the chat', async () => {
    let result = await assistant.engine.handle(text('/human'), readyState('jyvaskyla'));
    expect(result.events).toContainEqual({ type: 'escalate', reason: 'human_request', severity: 'normal' });
    expect(result.state.handoff).toBe('queued');
    result = await assistant.engine.handle(text('When can I work?'), { ...result.state, handoff: 'staff' });
    expect(result.replies).toEqual([]);
    expect(result.events).toContainEqual({ type: 'forward-to-staff' });
  });

  it('asks before deleting, and deletes on "/delete yes"', async () => {
    let result = await assistant.engine.handle(text('/delete'), readyState('asco'));
    expect(result.events).toEqual([]);
    result = await assistant.engine.handle(text('/delete yes'), result.state);
    expect(result.events).toContainEqual({ type: 'delete-data' });
    expect(result.state.regionId).toBeUndefined();
  });

  it('answers a burst of short messages once, together', async () => {
    const burst = ['hi', 'I am asylum seeker', 'when can I work?'].map((t) => text(t));
    const result = await assistant.engine.handleBurst(burst, readyState('burgenlandkreis'));
    expect(result.replies.filter((r) => r.kind === 'answer')).toHaveLength(1);
  });
});
