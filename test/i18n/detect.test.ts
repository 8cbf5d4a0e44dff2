import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { I18n, LanguageDetector, SUPPORTED_LANGUAGES } from '../../src/i18n/index.js';
import { LOCALES_DIR } from '../../src/i18n/i18n.js';

const detector = new LanguageDetector();

describe('language detection on short chat messages', () => {
  it.each([
    ['Can I work?', 'en'],
    ['Darf ich arbeiten?', 'de'],
    ['Можна працювати?', 'uk'],
    ['Можно работать?', 'ru'],
    ['هل يمكنني العمل؟', 'ar'],
    ['میتونم کار کنم؟', 'fa'],
    ['ምስ ሰብ ክዛረብ እደሊ እየ', 'ti'],
    ['Waxaan rabaa inaan shaqeeyo', 'so'],
    ['Θέλω να δουλέψω', 'el'],
    ['Vull treballar, si us plau', 'ca'],
    ['Quiero trabajar aquí', 'es'],
    ['Kan jag jobba?', 'sv'],
    ['Voinko tehdä töitä?', 'fi'],
    ['Czy mogę pracować?', 'pl'],
    ['Mag ik werken?', 'nl'],
    ['Çalışabilir miyim?', 'tr'],
    ['Est-ce que je peux travailler ?', 'fr'],
    ['Posso lavorare?', 'it'],
    ['Ali lahko delam?', 'sl'],
    ['Дали можам да работам?', 'mk'],
  ])('"%s" is %s', (message, lang) => {
    expect(detector.detect(message).lang).toBe(lang);
  });

  it('lets the channel hint break a tie on a one-word message', () => {
    expect(detector.detect('ok', 'de').lang).toBe('de');
  });

  it('falls back to the hint for a message without letters', () => {
    expect(detector.detect('👍 2026', 'uk')).toEqual({ lang: 'uk', confident: false });
  });
});

describe('UI strings', () => {
  const flatten = (value: unknown, prefix = ''): Record<string, string> =>
    value && typeof value === 'object'
      ? Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)))
      : { [prefix]: String(value) };
  const load = (lang: string) => flatten(JSON.parse(readFileSync(path.join(LOCALES_DIR, `${lang}.json`), 'utf8')));
  const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

  it.each([...SUPPORTED_LANGUAGES])('exist in %s for every English key, with the same placeholders', (lang) => {
    const english = load('en');
    const strings = load(lang);
    expect(Object.keys(strings).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) expect(placeholders(strings[key]!), `${lang} ${key}`).toEqual(placeholders(text));
  });

  it('marks ar, fa, ps and ur right-to-left', () => {
    const i18n = new I18n();
    for (const lang of ['ar', 'fa', 'ps', 'ur']) expect(i18n.translator(lang).dir).toBe('rtl');
    expect(i18n.translator('uk').dir).toBe('ltr');
  });
});
