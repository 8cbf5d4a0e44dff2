import OpenAI from 'openai';
import { PassageIndex } from '../knowledge/passage-index.js';
import type { Knowledge, Passage } from '../knowledge/types.js';
import { redactPersonalData } from '../privacy/redact.js';
import { judgeEvidence } from './confidence.js';
import { fill, loadPrompt } from './prompts.js';
import type { Answer, AnswerRequest, Answerer, Citation } from './types.js';

/** An answer must come back within this time, or the offline answer is sent. */
const LLM_TIMEOUT_MS = 4000;
const MAX_PASSAGES = 6;
const MAX_WORDS = 90;

export interface ChatModelOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs?: number;
}

/** A chat-completions client for any OpenAI-compatible server, bounded in time, without retries. */
export class ChatModel {
  private readonly client: OpenAI;

  constructor(private readonly options: ChatModelOptions) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, timeout: options.timeoutMs ?? LLM_TIMEOUT_MS, maxRetries: 0 });
  }

  /** The model's reply; throws on time-out, HTTP errors and replies without text. */
  async complete(system: string, user: string, onDelta?: (textSoFar: string) => void): Promise<string> {
    if (onDelta) {
      const stream = await this.client.chat.completions.create({ model: this.options.model, temperature: 0, stream: true, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] });
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices?.[0]?.delta?.content ?? '';
        onDelta(text);
      }
      if (!text.trim()) throw new Error('empty streamed reply');
      return text.trim();
    }
    const response = await this.client.chat.completions.create({
      model: this.options.model,
      temperature: 0,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    });
    const text = response.choices?.[0]?.message?.content;
    if (typeof text !== 'string' || !text.trim()) throw new Error('reply without text');
    return text.trim();
  }
}

/**
 * Answers with an LLM from the retrieved passages only, and checks the result: every factual
 * sentence must cite a passage that was given. A reply that breaks this, a refusal, or any
 * failure of the model (time-out, 429, 5xx, nonsense) falls back to the offline answer.
 */
export class LlmAnswerer implements Answerer {
  constructor(
    private readonly model: ChatModel,
    private readonly knowledge: Knowledge,
    private readonly fallback: Answerer,
    private readonly log: (line: string) => void = () => undefined,
    private readonly passages: PassageIndex = new PassageIndex(knowledge.passages),
  ) {}

  async answer(request: AnswerRequest): Promise<Answer> {
    const { search } = request;
    const { answerable, confidence } = judgeEvidence(request.question, request.region.country, search);
    if (!answerable) return this.fallback.answer(request);
    const passages = this.passagesFor(request);
    const prompt = loadPrompt('answer');
    const values = {
      regionName: request.region.name,
      audience: request.role === 'employer' ? 'employers' : 'newcomers (refugees, asylum seekers, migrants)',
      languageName: new Intl.DisplayNames(['en'], { type: 'language' }).of(request.lang) ?? request.lang,
      maxWords: MAX_WORDS,
      passages: passages.map((p, i) => `[${i + 1}] (${p.title}) ${p.text}`).join('\n\n'),
      question: redactPersonalData(request.question),
    };
    let text: string;
    try {
      text = await this.model.complete(fill(prompt.system, values), fill(prompt.user, values), request.onPartial);
    } catch (error) {
      this.log(`llm: failed (${(error as Error).message.slice(0, 120)}); offline answer sent`);
      return this.fallback.answer(request);
    }
    if (/^\s*NO_ANSWER\b/.test(text)) return { found: false, sentences: [], passageLang: request.lang, citations: [], confidence: 0 };
    const checked = checkCitations(text, passages.length);
    if (!checked) {
      this.log('llm: reply with missing or invented citations; offline answer sent');
      return this.fallback.answer(request);
    }
    const cited = checked.cited.map((n) => passages[n - 1]!);
    const citations: Citation[] = [];
    const numberOf = new Map<string, number>();
    for (const passage of cited) {
      if (!numberOf.has(passage.docId)) {
        numberOf.set(passage.docId, citations.length + 1);
        citations.push({ title: passage.title, url: passage.sources[0]!, sources: passage.sources, docId: passage.docId, verified: passage.verified });
      }
    }
    // Passage numbers become source numbers, matching the list under the answer.
    const body = text.replace(/\[(\d+)\]/g, (_, n: string) => `[${numberOf.get(passages[Number(n) - 1]!.docId)}]`).replace(/(\[\d+\])(?:\s*\1)+/g, '$1');
    return {
      found: true,
      sentences: [body],
      passageLang: request.lang,
      citations,
      confidence,
      numbered: true,
      faithful: isFaithful(text, passages),
    };
  }

  /** The best passages of the best documents, in the user's language where they exist, else English. */
  private passagesFor(request: AnswerRequest): Passage[] {
    const out: Passage[] = [];
    for (const hit of request.search.hits.slice(0, 3)) {
      const lang = this.passages.language(hit.docId, [request.lang, 'en', ...request.region.languages]);
      if (lang) out.push(...this.passages.of(hit.docId, lang).slice(0, 3));
    }
    return out.slice(0, MAX_PASSAGES);
  }
}

/**
 * The citations of a model reply, or undefined when the reply is not acceptable: a cited
 * number that was not given, or a factual answer without any citation.
 */
export function checkCitations(text: string, given: number): { cited: number[] } | undefined {
  const numbers = [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  if (numbers.length === 0) return undefined;
  if (numbers.some((n) => n < 1 || n > given)) return undefined;
  return { cited: [...new Set(numbers)] };
}

/**
 * Whether every cited passage contains the facts it is cited for: the numbers and the
 * capitalised names of each sentence must appear in the passage(s) it cites.
 */
export function isFaithful(text: string, passages: { text: string; title: string }[]): boolean {
  const sentences = text.split(/(?<=[.!?؟。])\s+/u);
  for (const sentence of sentences) {
    const cites = [...sentence.matchAll(/\[(\d+)\]/g)].map((m) => passages[Number(m[1]) - 1]).filter(Boolean);
    if (!cites.length) continue;
    const source = cites.map((p) => `${p!.title} ${p!.text}`).join(' ').toLowerCase();
    const facts = (sentence.replace(/\[\d+\]/g, '').match(/\d[\d.,]*\d|\d|\b\p{Lu}[\p{L}-]{2,}\b/gu) ?? []).filter((f, i) => !(i === 0 && /^\p{Lu}/u.test(f) && sentence.startsWith(f)));
    if (facts.some((fact) => !source.includes(fact.toLowerCase()))) return false;
  }
  return true;
}
