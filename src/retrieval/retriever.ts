import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import hnswlib from 'hnswlib-node';
import MiniSearch from 'minisearch';
import type { Audience, Knowledge, Passage, Role } from '../knowledge/types.js';
import { Analyzer } from './analyze.js';
import { ConceptMatcher } from './concepts.js';

/** A searchable unit: a passage, or one of the ways people ask a document's question. */
interface Unit {
  docId: string;
  scope: string;
  audience: Audience;
  lang: string;
  kind: 'passage' | 'question';
  text: string;
  passageId?: string;
}

interface UnitMeta {
  unit: number;
  docId: string;
  scope: string;
  audience: Audience;
}

/** What a search is limited to: the user's region, its country and eu; the user's role. */
export interface SearchFilter {
  /** The region, its country and eu: a close call between an EU document and a local one goes local. */
  scopes: string[];
  role?: Role;
}

/** One document found for a query, with the signals the answerer uses to judge confidence. */
export interface DocumentHit {
  docId: string;
  score: number;
  /** Cosine similarity of the document's closest unit to the query. */
  similarity: number;
  /** BM25 score of the document's best unit, divided by the number of query terms. */
  lexical: number;
  /** The query's concepts that the document also names. */
  sharedConcepts: string[];
  /** The query's concepts that the document does not name. */
  missingConcepts: string[];
  roleMatches: boolean;
  /** The document's passages that matched, best first (from both rankings). */
  passageIds: string[];
}

export interface SearchResult {
  hits: DocumentHit[];
  queryConcepts: string[];
}

/**
 * The layout and analysis of saved indexes. Bump it whenever tokenising, stemming, concept
 * matching or the saved files change: an index saved by older code is then rebuilt, not loaded.
 */
export const INDEX_VERSION = 4;

/** How far down each ranking a search looks before fusing them. */
const CANDIDATES = 60;
/** Reciprocal-rank-fusion constant: small, so that a first place counts clearly more. */
const RRF_K = 20;
/** EU-wide documents give way to the region's and country's own on a close call. */
const EU_FACTOR = 0.9;
/** A document written for the other role still counts, but weighs less. */
const ROLE_MISMATCH_FACTOR = 0.55;

const { HierarchicalNSW } = hnswlib;

const miniSearchOptions = {
  fields: ['terms'],
  tokenize: (text: string) => text.split(' '),
  processTerm: (term: string) => term,
};

/**
 * Hybrid retrieval over the knowledge base: BM25 (MiniSearch) over stemmed words and
 * concepts, fused with a vector search (LangChain's HNSWLib store) by reciprocal rank.
 * Built once from knowledge/ and kept in DATA_DIR; loaded as is while knowledge/ is unchanged.
 */
export class Retriever {
  private readonly docConcepts = new Map<string, Set<string>>();
  private readonly audiences = new Map<string, Audience>();
  private readonly scopes = new Map<string, string>();

  private constructor(
    readonly knowledge: Knowledge,
    readonly analyzer: Analyzer,
    private readonly embeddings: Embeddings,
    private readonly units: Unit[],
    /** One BM25 index per scope (eu, a country, a region): a search reads only the three it needs. */
    private readonly lexical: Map<string, MiniSearch>,
    private readonly vectors: HNSWLib,
    docConcepts: Record<string, string[]>,
  ) {
    for (const [docId, concepts] of Object.entries(docConcepts)) this.docConcepts.set(docId, new Set(concepts));
    for (const doc of knowledge.documents) {
      this.audiences.set(doc.id, doc.audience);
      this.scopes.set(doc.id, doc.scope);
    }
  }

  /**
   * Opens the index for this knowledge base and embedder from `indexDir`, building and saving
   * it first when it is missing or was built from other knowledge.
   */
  static async open(
    knowledge: Knowledge,
    embeddings: Embeddings & { id: string },
    options: { indexDir?: string; onBuild?: (ms: number) => void } = {},
  ): Promise<Retriever> {
    const analyzer = new Analyzer(new ConceptMatcher(knowledge.concepts));
    const units = collectUnits(knowledge);
    const dir = options.indexDir
      ? path.join(options.indexDir, `v${INDEX_VERSION}-${knowledge.fingerprint}-${embeddings.id.replace(/[^a-zA-Z0-9.-]/g, '_')}`)
      : undefined;
    if (dir && existsSync(path.join(dir, 'lexical.json'))) {
      const saved = JSON.parse(readFileSync(path.join(dir, 'lexical.json'), 'utf8')) as Record<string, unknown>;
      const lexical = new Map(Object.entries(saved).map(([scope, json]) => [scope, MiniSearch.loadJS(json as never, miniSearchOptions)]));
      const vectors = await HNSWLib.load(dir, embeddings);
      const docConcepts = JSON.parse(readFileSync(path.join(dir, 'concepts.json'), 'utf8')) as Record<string, string[]>;
      return new Retriever(knowledge, analyzer, embeddings, units, lexical, vectors, docConcepts);
    }
    const started = performance.now();
    const lexical = new Map<string, MiniSearch>();
    const docConcepts: Record<string, string[]> = {};
    units.forEach((unit, id) => {
      let index = lexical.get(unit.scope);
      if (!index) lexical.set(unit.scope, (index = new MiniSearch(miniSearchOptions)));
      const analysis = analyzer.analyze(unit.text, unit.lang);
      index.add({ id, terms: analysis.terms.join(' ') });
      const known = new Set(docConcepts[unit.docId] ?? []);
      for (const concept of analysis.concepts) known.add(concept);
      docConcepts[unit.docId] = [...known];
    });
    const documents = units.map(
      (unit, id) =>
        new Document<UnitMeta>({ pageContent: unit.text, metadata: { unit: id, docId: unit.docId, scope: unit.scope, audience: unit.audience } }),
    );
    const vectors = await buildVectorStore(documents, embeddings);
    options.onBuild?.(performance.now() - started);
    if (dir) {
      // Written to a temporary folder first, so that a replica never loads half an index.
      const temp = `${dir}.tmp-${process.pid}`;
      mkdirSync(temp, { recursive: true });
      await vectors.save(temp);
      writeFileSync(path.join(temp, 'concepts.json'), JSON.stringify(docConcepts));
      writeFileSync(path.join(temp, 'lexical.json'), JSON.stringify(Object.fromEntries(lexical)));
      try {
        renameSync(temp, dir);
      } catch {
        rmSync(temp, { recursive: true, force: true });
      }
    }
    return new Retriever(knowledge, analyzer, embeddings, units, lexical, vectors, docConcepts);
  }

  get unitCount(): number {
    return this.units.length;
  }

  /** Documents for a query, best first, limited to the filter's scopes. */
  async search(query: string, lang: string, filter: SearchFilter, limit = 5): Promise<SearchResult> {
    const scopes = new Set(filter.scopes);
    const analysis = this.analyzer.analyze(query, lang);
    const queryConcepts = [...analysis.concepts];
    if (analysis.terms.length === 0) return { hits: [], queryConcepts };

    const lexicalRanks = new Map<string, { rank: number; score: number }>();
    const passageRanks = new Map<string, { id: string; rank: number }[]>();
    const notePassage = (unit: Unit, rank: number) => {
      if (!unit.passageId) return;
      const list = passageRanks.get(unit.docId) ?? [];
      if (!list.some((p) => p.id === unit.passageId)) list.push({ id: unit.passageId, rank });
      passageRanks.set(unit.docId, list);
    };
    const queryText = analysis.terms.join(' ');
    const lexicalResults = [...scopes]
      // Each index returns its results best first: only their heads can make the fused list.
      .flatMap((scope) => (this.lexical.get(scope)?.search(queryText, { combineWith: 'OR' }) ?? []).slice(0, CANDIDATES))
      .sort((a, b) => b.score - a.score);
    lexicalResults.slice(0, CANDIDATES).forEach((result, rank) => {
      const unit = this.units[Number(result.id)]!;
      if (!lexicalRanks.has(unit.docId)) lexicalRanks.set(unit.docId, { rank: lexicalRanks.size, score: result.score });
      notePassage(unit, rank);
    });

    const vectorResults = await this.vectorSearch(query, scopes);
    const vectorRanks = new Map<string, { rank: number; similarity: number }>();
    vectorResults.forEach(([doc, distance], rank) => {
      const docId = (doc.metadata as UnitMeta).docId;
      if (!vectorRanks.has(docId)) vectorRanks.set(docId, { rank: vectorRanks.size, similarity: 1 - distance });
      notePassage(this.units[(doc.metadata as UnitMeta).unit]!, rank);
    });

    const hits: DocumentHit[] = [];
    for (const docId of new Set([...lexicalRanks.keys(), ...vectorRanks.keys()])) {
      const lexicalHit = lexicalRanks.get(docId);
      const vectorHit = vectorRanks.get(docId);
      const audience = this.audienceOf(docId);
      const roleMatches = !filter.role || audience === 'both' || audience === filter.role;
      let score = (lexicalHit ? 1 / (RRF_K + lexicalHit.rank) : 0) + (vectorHit ? 1 / (RRF_K + vectorHit.rank) : 0);
      if (!roleMatches) score *= ROLE_MISMATCH_FACTOR;
      if (this.scopes.get(docId) === 'eu') score *= EU_FACTOR;
      const concepts = this.docConcepts.get(docId) ?? new Set<string>();
      hits.push({
        docId,
        score,
        similarity: vectorHit?.similarity ?? 0,
        lexical: lexicalHit ? lexicalHit.score / analysis.terms.length : 0,
        sharedConcepts: queryConcepts.filter((c) => concepts.has(c)),
        missingConcepts: queryConcepts.filter((c) => !concepts.has(c)),
        roleMatches,
        passageIds: (passageRanks.get(docId) ?? []).sort((a, b) => a.rank - b.rank).map((p) => p.id),
      });
    }
    hits.sort((a, b) => b.score - a.score);
    return { hits: hits.slice(0, limit), queryConcepts };
  }

  /**
   * Vector neighbours within the scopes. An embedding API that fails leaves the lexical
   * ranking alone in charge, rather than failing the answer.
   */
  private async vectorSearch(query: string, scopes: Set<string>): Promise<[Document, number][]> {
    try {
      const vector = await this.embeddings.embedQuery(query);
      return await this.vectors.similaritySearchVectorWithScore(vector, CANDIDATES, (doc: Document) => scopes.has((doc.metadata as UnitMeta).scope));
    } catch (error) {
      this.onVectorError?.(error as Error);
      return [];
    }
  }

  /** Called when the vector side fails and the search goes on without it. */
  onVectorError?: (error: Error) => void;

  private audienceOf(docId: string): Audience {
    return this.audiences.get(docId) ?? 'both';
  }
}

/** HNSW graph parameters: smaller than hnswlib's defaults (16, 200), for a build within seconds. */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 64;
const HNSW_EF_SEARCH = 64;

/**
 * LangChain's HNSWLib store over a graph built with our own parameters (its `fromDocuments`
 * always uses hnswlib's slower defaults); saved and loaded by LangChain as usual.
 */
async function buildVectorStore(documents: Document[], embeddings: Embeddings): Promise<HNSWLib> {
  const vectors = await embeddings.embedDocuments(documents.map((d) => d.pageContent));
  const dimensions = vectors[0]?.length ?? 1;
  const index = new HierarchicalNSW('cosine', dimensions);
  index.initIndex(Math.max(1, vectors.length), HNSW_M, HNSW_EF_CONSTRUCTION);
  index.setEf(HNSW_EF_SEARCH);
  vectors.forEach((vector, label) => index.addPoint(vector, label));
  const docstore = new SynchronousInMemoryDocstore(new Map(documents.map((doc, label) => [String(label), doc])));
  return new HNSWLib(embeddings, { space: 'cosine', numDimensions: dimensions, index, docstore });
}

function collectUnits(knowledge: Knowledge): Unit[] {
  const units: Unit[] = knowledge.passages.map((passage) => ({
    docId: passage.docId,
    scope: passage.scope,
    audience: passage.audience,
    lang: passage.lang,
    kind: 'passage',
    text: `${passage.title}. ${passage.heading === passage.title ? '' : `${passage.heading}. `}${passage.text}`,
    passageId: passage.id,
  }));
  const seen = new Set<string>();
  for (const doc of knowledge.documents) {
    for (const [lang, questions] of Object.entries(doc.questions)) {
      for (const question of questions) {
        const key = `${doc.id}\0${question}`;
        if (seen.has(key)) continue;
        seen.add(key);
        units.push({ docId: doc.id, scope: doc.scope, audience: doc.audience, lang, kind: 'question', text: question });
      }
    }
  }
  return units;
}
