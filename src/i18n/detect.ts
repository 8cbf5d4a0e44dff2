import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eld } from 'eld/extrasmall';
import YAML from 'yaml';
import { SUPPORTED_LANGUAGES } from './languages.js';

export const CUES_FILE = path.join(import.meta.dirname, 'cues.yaml');

export interface Detection {
  lang: string;
  /** False for very short or ambiguous text: the caller's hint or earlier language may be better. */
  confident: boolean;
}

const SCRIPT_TESTS: [RegExp, string[]][] = [
  [/[\u1200-\u137F]/u, ['ti', 'am']],
  [/[\u0980-\u09FF]/u, ['bn']],
  [/[\u4E00-\u9FFF\u3400-\u4DBF]/u, ['zh']],
  [/[\u0370-\u03FF\u1F00-\u1FFF]/u, ['el']],
  [/[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u, ['ar', 'fa', 'ur', 'ps']],
  [/[\u0400-\u04FF]/u, ['ru', 'uk', 'mk', 'sr']],
];

// Letters that only one language of its script uses (checked on the raw text).
const LETTER_TESTS: [RegExp, string][] = [
  [/[ټډړږښګڼېۍځڅ]/u, 'ps'],
  [/[ٹڈڑںےۓ]/u, 'ur'],
  [/[іїєґІЇЄҐ]/u, 'uk'],
  [/[ѓќѕЃЌЅ]/u, 'mk'],
  [/[ђћЂЋ]/u, 'sr'],
];
const PERSIAN_LETTERS = /[پچژگکی]/gu;
const LATIN_LANGUAGES = SUPPORTED_LANGUAGES.filter(
  (lang) => !['ar', 'fa', 'ur', 'ps', 'uk', 'ru', 'mk', 'sr', 'el', 'ti', 'am', 'bn', 'zh'].includes(lang),
).concat(['sr']);
// eld names some of our languages differently or does not know them.
const ELD_ALIASES: Record<string, string[]> = { hr: ['bs', 'sr'], no: ['sv'], da: ['sv'], bg: ['mk'] };
// eld always prefers Amharic in Ge'ez script: there only the cue words decide.
const CUES_ONLY = new Set(['ti', 'am']);

/**
 * Detects the language of a chat message: the script settles it where it can (Ge'ez,
 * Arabic letters only Persian, Urdu or Pashto use, Ukrainian і/ї/є), eld's n-gram model
 * and a list of frequent words per language (src/i18n/cues.yaml) decide the rest.
 */
export class LanguageDetector {
  private readonly cues = new Map<string, Set<string>>();

  constructor(cuesFile: string = CUES_FILE) {
    try {
      const data = YAML.parse(readFileSync(cuesFile, 'utf8')) as { cues?: Record<string, string[]> };
      for (const [lang, list] of Object.entries(data.cues ?? {})) {
        this.cues.set(lang, new Set(list.map((word) => word.toLowerCase().normalize('NFC'))));
      }
    } catch {
      // Without cue words detection still works, on eld and the script alone.
    }
  }

  /** The language of `text`; `hint` (e.g. Telegram's language_code) breaks ties. */
  detect(text: string, hint?: string): Detection {
    const letters = text.replace(/https?:\/\/\S+/g, ' ').replace(/[^\p{L}\p{M}\s]/gu, ' ');
    const tokens = letters.toLowerCase().normalize('NFC').split(/\s+/).filter(Boolean);
    const fallback = hint && SUPPORTED_LANGUAGES.includes(hint) ? hint : 'en';
    if (tokens.length === 0) return { lang: fallback, confident: false };

    const candidates = this.scriptCandidates(letters);
    for (const [pattern, lang] of LETTER_TESTS) {
      if (candidates.includes(lang) && pattern.test(letters)) return { lang, confident: true };
    }
    if (candidates.length === 1) return { lang: candidates[0]!, confident: true };

    const scores = new Map<string, number>(candidates.map((lang) => [lang, 0]));
    const model = candidates.some((lang) => CUES_ONLY.has(lang)) ? {} : (eld.detect(letters).getScores() as Record<string, number>);
    // On a single word eld's n-grams are noise ("ok" looks Polish): there only cue words count.
    if (tokens.length > 1) {
      for (const [code, score] of Object.entries(model)) {
        for (const lang of ELD_ALIASES[code] ?? [code]) {
          if (scores.has(lang)) scores.set(lang, Math.max(scores.get(lang)!, score));
        }
      }
    }
    for (const lang of candidates) {
      const cues = this.cues.get(lang);
      if (!cues) continue;
      const hits = tokens.filter((token) => cues.has(token)).length;
      scores.set(lang, scores.get(lang)! + (0.6 * hits) / Math.sqrt(tokens.length));
    }
    if (candidates.includes('fa')) {
      const persian = letters.match(PERSIAN_LETTERS)?.length ?? 0;
      scores.set('fa', scores.get('fa')! + Math.min(0.6, persian * 0.15));
    }
    if (hint && scores.has(hint)) scores.set(hint, scores.get(hint)! + 0.08);
    // English is the lingua franca of short chat messages ("hi", "ok thanks").
    if (scores.has('en')) scores.set('en', scores.get('en')! + 0.03);

    const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
    const [best, second] = ranked;
    if (!best || best[1] <= 0) return { lang: candidates.includes(fallback) ? fallback : candidates[0]!, confident: false };
    const margin = best[1] - (second?.[1] ?? 0);
    const confident = tokens.length >= 3 && margin > 0.05;
    if (!confident && hint && scores.has(hint) && best[1] - scores.get(hint)! < 0.1) return { lang: hint, confident: false };
    return { lang: best[0], confident };
  }

  private scriptCandidates(text: string): string[] {
    let best: string[] = LATIN_LANGUAGES;
    let bestCount = (text.match(/[a-zA-Z\u00C0-\u024F]/gu) ?? []).length;
    for (const [pattern, langs] of SCRIPT_TESTS) {
      const count = (text.match(new RegExp(pattern.source, 'gu')) ?? []).length;
      if (count > bestCount) {
        best = langs;
        bestCount = count;
      }
    }
    return best;
  }
}
