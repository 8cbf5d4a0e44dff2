import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { ChatModel, ExtractiveAnswerer, LlmAnswerer, StaffAssistant, fill, loadPrompt, type Answerer } from './answer/index.js';
import { createJobSearch, type JobSearch, OccupationFinder } from './jobs/index.js';
import { redactPersonalData } from './privacy/redact.js';
import { DEFAULT_JOB_ROOTS, type Config } from './config/index.js';
import { Engine } from './engine/index.js';
import { I18n, LanguageDetector } from './i18n/index.js';
import { loadKnowledge, PassageIndex, type Knowledge } from './knowledge/index.js';
import { ApiEmbeddings, ConceptMatcher, LocalEmbeddings, Retriever } from './retrieval/index.js';

/** The engine and what it is made of, assembled from the configuration. */
export interface Assistant {
  knowledge: Knowledge;
  retriever: Retriever;
  engine: Engine;
  i18n: I18n;
  /** Milliseconds spent building the index, when it was built rather than loaded. */
  indexBuildMs?: number;
  jobs: { finder: OccupationFinder; search: JobSearch };
  /** Case summaries and translations for staff, when a model is configured. */
  staffHelp?: StaffAssistant;
}

/** Loads knowledge/, opens (or builds) the retrieval index and assembles the engine. */
export async function createAssistant(
  config: Pick<Config, 'knowledgeDir' | 'dataDir' | 'openai'> & { indexDir?: string; jobs?: Config['jobs'] },
  options: { persistIndex?: boolean; log?: (line: string) => void } = {},
): Promise<Assistant> {
  const indexDir = options.persistIndex === false ? undefined : (config.indexDir ?? path.join(config.dataDir, 'index'));
  const knowledge = loadKnowledge(config.knowledgeDir, { cacheDir: indexDir });
  const concepts = new ConceptMatcher(knowledge.concepts);
  const embeddings: Embeddings & { id: string } =
    config.openai?.embeddingModel
      ? new ApiEmbeddings({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, model: config.openai.embeddingModel })
      : new LocalEmbeddings(concepts);
  let indexBuildMs: number | undefined;
  const retriever = await Retriever.open(knowledge, embeddings, {
    indexDir,
    onBuild: (ms) => (indexBuildMs = ms),
  });
  const i18n = new I18n();
  // A failing embedding API leaves keyword search alone in charge; operators should know.
  retriever.onVectorError = (error) => options.log?.(`retrieval: vector search failed (${error.message.slice(0, 120)}); keyword search only`);
  const passages = new PassageIndex(knowledge.passages);
  const extractive = new ExtractiveAnswerer(knowledge, retriever.analyzer, passages);
  let answerer: Answerer = extractive;
  let condense: ((question: string, recent: { from: string; text: string }[]) => Promise<string>) | undefined;
  let staffHelp: StaffAssistant | undefined;
  if (config.openai) {
    const model = new ChatModel({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, model: config.openai.model });
    answerer = new LlmAnswerer(model, knowledge, extractive, options.log, passages);
    staffHelp = new StaffAssistant(model);
    condense = async (question, recent) => {
      const prompt = loadPrompt('condense');
      const history = recent.map((turn) => `${turn.from}: ${redactPersonalData(turn.text)}`).join('\n');
      const values = { history, question: redactPersonalData(question) };
      const rewritten = await model.complete(fill(prompt.system, values), fill(prompt.user, values));
      return rewritten.length > 3 && rewritten.length < 600 ? rewritten : question;
    };
  }
  const jobs = { finder: new OccupationFinder(config.knowledgeDir), search: createJobSearch(config.jobs ?? DEFAULT_JOB_ROOTS, options.log) };
  const engine = new Engine({ knowledge, retriever, answerer, i18n, detector: new LanguageDetector(), condense, jobs });
  return { knowledge, retriever, engine, i18n, indexBuildMs, jobs, staffHelp };
}
