import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { Reply } from '../../src/engine/index.js';

const CARDS = path.join(import.meta.dirname, 'cards');
const templates = new Map<string, ACData.Template>();

/** Expands an Adaptive Card template of cards/ with data (adaptivecards-templating). */
export function card(name: string, data: Record<string, unknown>): Attachment {
  let template = templates.get(name);
  if (!template) {
    template = new ACData.Template(JSON.parse(readFileSync(path.join(CARDS, `${name}.json`), 'utf8')));
    templates.set(name, template);
  }
  return CardFactory.adaptiveCard(template.expand({ $root: data }));
}

/** A reply as Teams Markdown: the body, the sources as links with their checked date, the footer. */
export function toMarkdown(reply: Reply): string {
  const lines = [...reply.parts.body];
  if (reply.parts.citations.length) {
    lines.push('', `**${reply.parts.sourcesLabel}:**`);
    reply.parts.citations.forEach((c, i) =>
      lines.push(`${reply.parts.numbered ? `${i + 1}.` : '-'} [${c.title.replace(/[[\]]/g, '')}](${c.url}) (${c.checkedLabel})`),
    );
  }
  if (reply.parts.footer.length) lines.push('', `_${reply.parts.footer.join(' ')}_`);
  return lines.join('\n\n').replace(/\n\n\n\n/g, '\n\n');
}

/** Buttons as an Adaptive Card of Action.Submit, each carrying the engine's choice value. */
export function choicesCard(reply: Reply): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text: reply.parts.body.join('\n\n'), wrap: true }],
    actions: (reply.choices ?? []).map((choice) => ({ type: 'Action.Submit', title: choice.label, data: { choice: choice.value } })),
  });
}

/** An employer's hiring answer as a checklist card: what to verify, whom to notify, deadlines, links. */
export function hiringChecklist(reply: Reply, regionName: string): Attachment {
  return card('hiring-checklist', {
    title: reply.parts.citations[0]?.title ?? '',
    regionName,
    items: reply.parts.body.flatMap((paragraph) => paragraph.split(/(?<=[.!?])\s+(?=\p{Lu})/u)).filter((s) => s.trim().length > 1),
    sourcesLabel: reply.parts.sourcesLabel,
    sources: reply.parts.citations.map((c) => ({ title: c.title, url: c.url, checked: c.checkedLabel })),
    disclaimer: reply.parts.footer.join(' '),
  });
}
