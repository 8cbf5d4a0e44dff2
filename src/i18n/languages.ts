/**
 * Every language the assistant speaks: the local languages of the nine regions and the
 * newcomers' languages of DESIGN.md. The order is the order shown to users.
 */
export const SUPPORTED_LANGUAGES: readonly string[] = [
  'en', 'de', 'sl', 'pl', 'nl', 'es', 'ca', 'it', 'fi', 'sv', 'el',
  'ar', 'fa', 'ps', 'ur', 'uk', 'ru', 'tr', 'fr', 'so', 'ti', 'am', 'sq', 'bs', 'sr', 'mk', 'bn', 'zh',
];

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'ps', 'ur']);

/** Whether text in this language is written right to left. */
export function isRightToLeft(lang: string): boolean {
  return RIGHT_TO_LEFT.has(lang);
}
