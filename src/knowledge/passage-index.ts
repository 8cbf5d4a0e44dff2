import type { Passage } from './types.js';

/**
 * The passages of a knowledge base looked up by id and by document and language, so that
 * answering a question never scans the whole list.
 */
export class PassageIndex {
  private readonly byId = new Map<string, Passage>();
  private readonly byDoc = new Map<string, Passage[]>();
  private readonly languages = new Map<string, string[]>();

  constructor(passages: Passage[]) {
    for (const passage of passages) {
      this.byId.set(passage.id, passage);
      const key = `${passage.docId}@${passage.lang}`;
      const list = this.byDoc.get(key) ?? [];
      list.push(passage);
      this.byDoc.set(key, list);
      const langs = this.languages.get(passage.docId) ?? [];
      if (!langs.includes(passage.lang)) langs.push(passage.lang);
      this.languages.set(passage.docId, langs);
    }
  }

  get(id: string): Passage | undefined {
    return this.byId.get(id);
  }

  /** A document's passages in one language, in document order. */
  of(docId: string, lang: string): Passage[] {
    return this.byDoc.get(`${docId}@${lang}`) ?? [];
  }

  /** The first of `preferred` the document is written in. */
  language(docId: string, preferred: string[]): string | undefined {
    const available = this.languages.get(docId) ?? [];
    return preferred.find((lang) => available.includes(lang));
  }

  /** Every language the document is written in, in load order. */
  languagesOf(docId: string): string[] {
    return this.languages.get(docId) ?? [];
  }
}
