import { stemmer as ar } from '@orama/stemmers/arabic';
import { stemmer as de } from '@orama/stemmers/german';
import { stemmer as el } from '@orama/stemmers/greek';
import { stemmer as en } from '@orama/stemmers/english';
import { stemmer as es } from '@orama/stemmers/spanish';
import { stemmer as fi } from '@orama/stemmers/finnish';
import { stemmer as fr } from '@orama/stemmers/french';
import { stemmer as it } from '@orama/stemmers/italian';
import { stemmer as nl } from '@orama/stemmers/dutch';
import { stemmer as ru } from '@orama/stemmers/russian';
import { stemmer as sr } from '@orama/stemmers/serbian';
import { stemmer as sv } from '@orama/stemmers/swedish';
import { stemmer as tr } from '@orama/stemmers/turkish';
import { stemmer as uk } from '@orama/stemmers/ukrainian';

// Snowball stemmers from @orama/stemmers where one exists for the language.
const STEMMERS: Record<string, (word: string) => string> = { ar, de, el, en, es, fi, fr, it, nl, ru, sr, sv, tr, uk, bs: sr };

/** Where no stemmer exists, the first letters stand in for the stem (a known, decent fallback). */
const TRUNCATE_AT = 6;

/** The stem of a folded word in the given language. */
export function stem(word: string, lang: string): string {
  if (/^\d+$/.test(word) || word.length <= 3) return word;
  const stemmer = STEMMERS[lang];
  if (!stemmer) return word.length > TRUNCATE_AT + 1 ? word.slice(0, TRUNCATE_AT) : word;
  try {
    const stemmed = stemmer(word);
    return stemmed.length >= 2 ? stemmed : word;
  } catch {
    return word;
  }
}
