import { SUPPORTED_LANGUAGES } from '../i18n/languages.js';
import { stripProclitics, words } from './text.js';

/**
 * Countries people move on to: the EU and EEA (but Iceland, whose German name "Island" is an
 * English word), Switzerland, the UK, the US, Canada, Australia, New Zealand. Countries of
 * origin are left out on purpose: "my diploma from Syria" is a question for this region.
 */
const DESTINATIONS = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE LI NO CH GB US CA AU NZ'.split(' ');

/**
 * Finds the names of other countries in a question, in any supported language (names from
 * the ICU data of Intl.DisplayNames, matched at word starts so that inflected forms count).
 */
export class CountryMatcher {
  private readonly names: { stem: string; code: string }[] = [];

  constructor(languages: readonly string[] = SUPPORTED_LANGUAGES) {
    const seen = new Set<string>();
    for (const lang of languages) {
      let display: Intl.DisplayNames;
      try {
        display = new Intl.DisplayNames([lang], { type: 'region' });
      } catch {
        continue;
      }
      for (const code of DESTINATIONS) {
        const name = display.of(code);
        if (!name || name === code) continue;
        const parts = words(name);
        if (parts.length !== 1) continue;
        const word = stripProclitics(parts[0]!);
        // Inflected forms ("Франции", "Frankrijk") share the first letters of the name.
        const stem = word.slice(0, word.length - (word.length >= 8 ? 2 : word.length >= 6 ? 1 : 0));
        const key = `${stem}:${code}`;
        if (stem.length >= 4 && !seen.has(key)) {
          seen.add(key);
          this.names.push({ stem, code });
        }
      }
    }
  }

  /** ISO codes of the destination countries a text names. */
  countriesIn(text: string): Set<string> {
    const found = new Set<string>();
    for (const token of words(text)) {
      const word = stripProclitics(token);
      for (const { stem, code } of this.names) if (word.startsWith(stem)) found.add(code);
    }
    return found;
  }
}
