import type { KnowledgeDocument, Passage } from './types.js';

/** Sections longer than this are split at paragraph breaks, so a passage stays quotable. */
const MAX_PASSAGE_CHARS = 1200;

/**
 * Splits a document at its `## ` headings. The text before the first heading is passage 0:
 * the direct answer to the document's main question.
 */
export function splitPassages(doc: KnowledgeDocument): Passage[] {
  const sections: { heading: string; text: string }[] = [];
  let heading = doc.title;
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) sections.push({ heading, text });
    lines = [];
  };
  for (const line of doc.body.split(/\r?\n/)) {
    const match = /^#{1,3}\s+(.*)$/.exec(line);
    if (match) {
      flush();
      heading = match[1]!.trim();
    } else {
      lines.push(line);
    }
  }
  flush();

  const pieces = sections.flatMap((section) => {
    if (section.text.length <= MAX_PASSAGE_CHARS) return [section];
    const out: { heading: string; text: string }[] = [];
    let current = '';
    for (const paragraph of section.text.split(/\n\s*\n/)) {
      if (current && current.length + paragraph.length > MAX_PASSAGE_CHARS) {
        out.push({ heading: section.heading, text: current.trim() });
        current = '';
      }
      current += `${paragraph}\n\n`;
    }
    if (current.trim()) out.push({ heading: section.heading, text: current.trim() });
    return out;
  });

  return pieces.map((piece, position) => ({
    id: `${doc.id}@${doc.lang}#${position}`,
    docId: doc.id,
    lang: doc.lang,
    scope: doc.scope,
    audience: doc.audience,
    topics: doc.topics,
    title: doc.title,
    heading: piece.heading,
    text: piece.text,
    sources: doc.sources,
    verified: doc.verified,
    position,
  }));
}
