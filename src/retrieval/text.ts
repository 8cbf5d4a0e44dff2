import anyAscii from 'any-ascii';

const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u;

/**
 * Lower-cases, removes diacritics and unifies letter variants, so that "Arbeitserlaubnis",
 * "arbeitserlaubnis" and "ARBEITSERLAUBNIS" meet, and Arabic and Persian spellings of one
 * word (أ/إ/ا, ي/ی, ك/ک, ة/ه) do too.
 */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/[ىی]/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/ة/g, 'ه')
    .replace(/ـ/g, '')
    .replace(/[’‘`´]/g, "'");
}

/** Words of a text: letters and digits, folded. */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Arabic-script words carry attached particles (و ف ب ل ك and the article ال). Returns the
 * word without them when what is left is still a word, so "والشغل" also gives "شغل".
 */
export function stripProclitics(word: string): string {
  if (!ARABIC_SCRIPT.test(word)) return word;
  let stripped = word;
  for (let i = 0; i < 2; i++) {
    const next = stripped.replace(/^(?:وال|فال|بال|كال|لل|ال|و|ف|ب|ل|ك)/u, '');
    if (next.length < 3 || next === stripped) break;
    stripped = next;
  }
  return stripped;
}

/** Latin transliteration of any script, for character n-grams that cross scripts. */
export function transliterate(text: string): string {
  return anyAscii(text).toLowerCase();
}
