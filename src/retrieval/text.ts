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
    // Diacritics go; the vowel signs of Bengali script are letters in all but name, and stay.
    .replace(/(?![\u0980-\u09FF])\p{M}/gu, '')
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

/** Words of a text, folded: runs of letters and digits, split where Chinese characters begin or end. */
export function words(text: string): string[] {
  return fold(text).match(/\p{sc=Han}+|(?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+/gu) ?? [];
}

const HAN = /^\p{sc=Han}+$/u;

/** Whether a word is written in Chinese characters (no spaces between words there). */
export function isHan(word: string): boolean {
  return HAN.test(word);
}

/**
 * Arabic-script words carry attached particles. Returns the word without the article and
 * its prepositions (ال، وال، بال، فال، كال، لل) or without a leading "و" (and), when what is
 * left is still a word, so "والشغل" also gives "شغل". Lone ب/ل/ك/ف are left alone: too many
 * words simply begin with them (بلدية).
 */
export function stripProclitics(word: string): string {
  if (!ARABIC_SCRIPT.test(word)) return word;
  const stripped = word.replace(/^(?:وال|بال|فال|كال|لل|ال|و)/u, '');
  return stripped.length >= 3 ? stripped : word;
}

/** Latin transliteration of any script, for character n-grams that cross scripts. */
export function transliterate(text: string): string {
  return anyAscii(text).toLowerCase();
}
