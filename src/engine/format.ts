import type { Citation } from '../answer/index.js';
import type { Translator } from '../i18n/index.js';
import type { Choice, Reply } from './types.js';

/** Builds a reply from its parts, with the plain-text rendering every channel can show. */
export function makeReply(
  kind: Reply['kind'],
  tr: Translator,
  body: string[],
  options: { citations?: Citation[]; footer?: string[]; choices?: Choice[]; numbered?: boolean } = {},
): Reply {
  const citations = (options.citations ?? []).map((c) => ({ ...c, checkedLabel: tr.t('answer.checked', { date: c.verified }) }));
  const footer = options.footer ?? [];
  const sourcesLabel = tr.t('answer.sources');
  const lines = [...body];
  if (citations.length) {
    lines.push('', `${sourcesLabel}:`);
    citations.forEach((c, i) => lines.push(`${options.numbered ? `[${i + 1}]` : '•'} ${c.title} – ${c.url} (${c.checkedLabel})`));
  }
  if (footer.length) lines.push('', ...footer);
  return {
    kind,
    lang: tr.lang,
    dir: tr.dir,
    text: lines.join('\n').trim(),
    parts: { body, citations, sourcesLabel, footer, numbered: Boolean(options.numbered) },
    choices: options.choices,
  };
}
