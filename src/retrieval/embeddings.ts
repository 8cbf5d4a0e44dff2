import { Embeddings } from '@langchain/core/embeddings';
import OpenAI from 'openai';
import { ServiceError } from '../errors.js';
import { redactPersonalData } from '../privacy/redact.js';
import type { ConceptMatcher } from './concepts.js';
import { transliterate, words } from './text.js';

/** Size of the hashed feature space of the local embedder. */
const DIMENSIONS = 512;
/** Concepts weigh more than any single n-gram: they carry meaning across languages. */
const CONCEPT_WEIGHT = 2.5;

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * An embedder that needs no model and no download: hashed character 3- and 4-grams of the
 * transliterated, accent-folded words, plus the concepts the text names. Spelling variants
 * ("arbeitserlaubniss"), other scripts ("аусландербехёрде") and other languages sharing a
 * concept still land near each other.
 */
export class LocalEmbeddings extends Embeddings {
  readonly id = `local-ngram-${DIMENSIONS}`;

  constructor(private readonly concepts: ConceptMatcher) {
    super({});
  }

  embedText(text: string): number[] {
    const vector = new Float64Array(DIMENSIONS);
    const add = (feature: string, weight: number) => {
      const h = hash(feature);
      vector[h % DIMENSIONS]! += (h & 0x80000000 ? -1 : 1) * weight;
    };
    const tokens = words(text);
    for (const token of tokens) {
      const latin = `_${transliterate(token).replace(/[^a-z0-9]/g, '')}_`;
      for (let n = 3; n <= 4; n++) {
        for (let i = 0; i + n <= latin.length; i++) add(latin.slice(i, i + n), 1);
      }
    }
    for (const concept of this.concepts.matchWords(tokens)) add(`concept:${concept}`, CONCEPT_WEIGHT * 4);
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    return Array.from(vector, (value) => value / norm);
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((text) => this.embedText(text));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embedText(document);
  }
}

/** Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure, vLLM, Ollama…). */
export class ApiEmbeddings extends Embeddings {
  readonly id: string;
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(options: { apiKey: string; baseUrl?: string; model: string; timeoutMs?: number }) {
    super({ maxRetries: 1 });
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, timeout: options.timeoutMs ?? 10_000, maxRetries: 1 });
    this.model = options.model;
    this.id = `api-${options.model}`;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += 128) {
      out.push(...(await this.embedBatch(documents.slice(i, i + 128))));
    }
    return out;
  }

  /** Questions leave for the embedding API without e-mail addresses, phone or document numbers. */
  override async embedQuery(document: string): Promise<number[]> {
    return (await this.embedBatch([redactPersonalData(document)]))[0]!;
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    try {
      const response = await this.client.embeddings.create({ model: this.model, input });
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== input.length || vectors.some((v) => !Array.isArray(v) || v.length === 0)) {
        throw new Error('response does not hold one vector per input');
      }
      return vectors;
    } catch (error) {
      throw new ServiceError('embeddings', (error as Error).message, { cause: error });
    }
  }
}
