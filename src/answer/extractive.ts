import { PassageIndex } from '../knowledge/passage-index.js';
import type { Knowledge, Passage } from '../knowledge/types.js';
import type { Analysis, Analyzer, DocumentHit } from '../retrieval/index.js';
import { words } from '../retrieval/index.js';
import { confidenceOf, isNotConfirmedPassage, judgeEvidence, MIN_CONFIDENCE } from './confidence.js';
import type { Answer, AnswerRequest, Answerer, Citation } from './types.js';

/** An answer fits a phone screen: a few sentences, at most this many characters. */
const MAX_ANSWER_CHARS = 640;
const MAX_SENTENCES = 4;
/** Share of the best document's score that another document needs to be cited too. */
const RELATED_SCORE = 0.6;
/** A second document this close to the first also offers sentences to the answer. */
const CLOSE_SECOND = 0.85;

/**
 * The offline answerer: quotes the few sentences of the best document that answer the
 * question, in the user's language where the knowledge base has it, else in English.
 */
export class ExtractiveAnswerer implements Answerer {
  private readonly sentenceCache = new Map<string, { text: string; analysis: Analysis }[]>();

  constructor(
    private readonly knowledge: Knowledge,
    private readonly analyzer: Analyzer,
    private readonly passages: PassageIndex = new PassageIndex(knowledge.passages),
  ) {}

  async answer(request: AnswerRequest): Promise<Answer> {
    const { search } = request;
    const best = search.hits[0];
    const { answerable, confidence } = judgeEvidence(request.question, request.region.country, search);
    if (!best || !answerable) {
      return { found: false, sentences: [], passageLang: request.lang, citations: [], confidence };
    }
    const passageLang = this.pickLanguage(best.docId, request.lang, request.region.languages);
    const positions = (hit: DocumentHit) =>
      hit.passageIds.map((id) => this.passages.get(id)?.position).filter((n): n is number => n !== undefined);
    // A close second document may hold the part of the answer the first lacks: its sentences compete too.
    const second = search.hits[1];
    const sources = [{ docId: best.docId, matched: positions(best), weight: 0 }];
    if (second && second.score >= best.score * CLOSE_SECOND && this.pickLanguage(second.docId, request.lang, request.region.languages) === passageLang) {
      sources.push({ docId: second.docId, matched: positions(second), weight: -1.5 });
    }
    const sentences = this.selectSentences(request.question, request.lang, sources, passageLang);
    // Further documents are cited only when they are nearly as relevant as the first.
    const cited = search.hits
      .slice(0, 3)
      .filter((hit, index) => index === 0 || (hit.score >= best.score * RELATED_SCORE && confidenceOf(hit, search.queryConcepts) >= MIN_CONFIDENCE));
    return {
      found: true,
      sentences,
      passageLang,
      citations: cited.map((hit) => this.citation(hit.docId, passageLang)),
      confidence,
    };
  }

  /** A passage's sentences with their analysis, computed once per passage. */
  private sentencesOf(passage: Passage): { text: string; analysis: Analysis }[] {
    let sentences = this.sentenceCache.get(passage.id);
    if (!sentences) {
      sentences = splitSentences(passage.text).map((text) => ({ text, analysis: this.analyzer.analyze(text, passage.lang) }));
      this.sentenceCache.set(passage.id, sentences);
    }
    return sentences;
  }

  /** The user's language if the document exists in it, else English, else a local language. */
  private pickLanguage(docId: string, lang: string, regionLanguages: string[]): string {
    return this.passages.language(docId, [lang, 'en', ...regionLanguages]) ?? this.passages.languagesOf(docId)[0] ?? 'en';
  }

  private citation(docId: string, lang: string): Citation {
    const doc =
      this.knowledge.documents.find((d) => d.id === docId && d.lang === lang) ??
      this.knowledge.documents.find((d) => d.id === docId && d.lang === 'en') ??
      this.knowledge.documents.find((d) => d.id === docId)!;
    return { title: doc.title, url: doc.sources[0]!, sources: doc.sources, docId, verified: doc.verified };
  }

  /**
   * Scores every sentence of the document against the question (shared concepts, shared
   * words, numbers when the question asks how much or when) and keeps the best few, in
   * document order. The opening paragraph, written to answer the main question, gets a head start.
   */
  private selectSentences(
    question: string,
    questionLang: string,
    sources: { docId: string; matched: number[]; weight: number }[],
    lang: string,
  ): string[] {
    const query = this.analyzer.analyze(question, questionLang);
    const queryTerms = new Set(query.terms);
    const queryWords = new Set(words(question));
    const candidates: { text: string; score: number; order: number }[] = [];
    let order = 0;
    for (const { docId, matched: matchedPositions, weight } of sources) for (const passage of this.passages.of(docId, lang)) {
      for (const [index, { text, analysis }] of this.sentencesOf(passage).entries()) {
        let score = 0;
        for (const concept of analysis.concepts) if (query.concepts.has(concept)) score += 2;
        for (const term of new Set(analysis.terms)) if (queryTerms.has(term)) score += 1;
        for (const word of words(text)) if (/\d/.test(word) && queryWords.has(word)) score += 1.5;
        if (passage.position === 0) score += index === 0 ? 3 : 2;
        // The section the search itself found best for this question.
        if (passage.position > 0 && passage.position === matchedPositions.find((p) => p > 0)) score += 1.5;
        if (/\d/.test(text)) score += 0.5;
        if (isNotConfirmedPassage(passage)) score -= 1.5;
        score += weight;
        candidates.push({ text, score: score / Math.sqrt(1 + text.length / 200), order: order++ });
      }
    }
    candidates.sort((a, b) => b.score - a.score);
    const chosen: typeof candidates = [];
    let length = 0;
    for (const candidate of candidates) {
      if (chosen.length >= MAX_SENTENCES) break;
      if (chosen.length > 0 && length + candidate.text.length > MAX_ANSWER_CHARS) continue;
      chosen.push(candidate);
      length += candidate.text.length;
    }
    return chosen.sort((a, b) => a.order - b.order).map((c) => c.text);
  }
}

/** Splits Markdown prose into sentences, dropping list markers and emphasis. */
export function splitSentences(text: string): string[] {
  const plain = text
    .replace(/\*\*|__/g, '')
    .replace(/^\s*[-*]\s+/gm, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
  const out: string[] = [];
  for (const line of plain.split(/\n+/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    // A sentence ends at . ! ? or their Arabic/Ge'ez/CJK forms followed by a space and a capital or a non-Latin letter.
    const parts = trimmed.split(/(?<=[.!?؟።。])\s+(?=[\p{Lu}\p{Lo}"„«(])/u);
    for (const part of parts) if (part.trim().length > 1) out.push(part.trim());
  }
  return out;
}
