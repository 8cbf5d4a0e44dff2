import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { ChatModel, ExtractiveAnswerer, LlmAnswerer, StaffAssistant, fill, loadPrompt, type Answerer } from './answer/index.js';
import { BaJobsuche, JobSearch, JobTechSearch, OccupationFinder } from './jobs/index.js';
import { redactPersonalData } from './privacy/redact.js';
import type { Config } from './config/index.js';
import { Engine } from './engine/index.js';
import { I18n, LanguageDetector } from './i18n/index.js';
import { loadKnowledge, type Knowledge } from './knowledge/index.js';
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
  const extractive = new ExtractiveAnswerer(knowledge, retriever.analyzer);
  let answerer: Answerer = extractive;
  let condense: ((question: string, recent: { from: string; text: string }[]) => Promise<string>) | undefined;
  let staffHelp: StaffAssistant | undefined;
  if (config.openai) {
    const model = new ChatModel({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, model: config.openai.model });
    answerer = new LlmAnswerer(model, knowledge, extractive, options.log);
    staffHelp = new StaffAssistant(model);
    condense = async (question, recent) => {
      const prompt = loadPrompt('condense');
      const history = recent.map((turn) => `${turn.from}: ${redactPersonalData(turn.text)}`).join('\n');
      const values = { history, question: redactPersonalData(question) };
      const rewritten = await model.complete(fill(prompt.system, values), fill(prompt.user, values));
      return rewritten.length > 3 && rewritten.length < 600 ? rewritten : question;
    };
  }
  const jobRoots = config.jobs ?? { baJobsucheApiRoot: 'https://rest.arbeitsagentur.de', jobtechApiRoot: 'https://jobsearch.api.jobtechdev.se' };
  const jobs = {
    finder: new OccupationFinder(config.knowledgeDir),
    search: new JobSearch({ 'ba-jobsuche': new BaJobsuche(jobRoots.baJobsucheApiRoot), jobtech: new JobTechSearch(jobRoots.jobtechApiRoot) }, { log: options.log }),
  };
  const engine = new Engine({ knowledge, retriever, answerer, i18n, detector: new LanguageDetector(), condense, jobs });
  return { knowledge, retriever, engine, i18n, indexBuildMs, jobs, staffHelp };
}
