import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { KnowledgeError } from '../errors.js';
import { SUPPORTED_LANGUAGES, isRightToLeft } from './languages.js';

export const LOCALES_DIR = path.join(import.meta.dirname, 'locales');

/** A translator bound to one language, with the text direction of that language. */
export interface Translator {
  lang: string;
  dir: 'ltr' | 'rtl';
  t: TFunction;
}

/** UI strings of every supported language (src/i18n/locales/<lang>.json), through i18next. */
export class I18n {
  private readonly instance = i18next.createInstance();
  readonly languages: string[];

  constructor(dir: string = LOCALES_DIR) {
    const resources: Record<string, { translation: Record<string, unknown> }> = {};
    for (const lang of SUPPORTED_LANGUAGES) {
      const file = path.join(dir, `${lang}.json`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      try {
        resources[lang] = { translation: JSON.parse(text) as Record<string, unknown> };
      } catch (error) {
        throw new KnowledgeError(file, '(root)', `not valid JSON (${(error as Error).message})`);
      }
    }
    if (!resources.en) throw new KnowledgeError(path.join(dir, 'en.json'), '(root)', 'the English strings are missing');
    this.languages = Object.keys(resources);
    void this.instance.init({
      resources,
      lng: 'en',
      fallbackLng: 'en',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

  /** Whether UI strings exist for this language. */
  has(lang: string): boolean {
    return this.languages.includes(lang);
  }

  /** A translator for `lang`, falling back to English for a language without strings. */
  translator(lang: string): Translator {
    const chosen = this.has(lang) ? lang : 'en';
    return { lang: chosen, dir: isRightToLeft(chosen) ? 'rtl' : 'ltr', t: this.instance.getFixedT(chosen) };
  }
}
