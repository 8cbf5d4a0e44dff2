import type { Reply } from '../../src/engine/index.js';

/** Telegram refuses messages over 4096 characters; we stay a little below. */
export const MAX_TELEGRAM_TEXT = 4000;

/** Escapes text for Telegram's HTML parse mode (only <, > and & are special). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * A reply as Telegram HTML: the body, the sources as links with their checked date, the
 * footer in italics; every user or knowledge string escaped. Split into messages below
 * 4096 characters at paragraph, then sentence boundaries.
 */
export function toTelegramHtml(reply: Reply): string[] {
  const blocks: string[] = reply.parts.body.filter(Boolean).map(escapeHtml);
  if (reply.parts.citations.length) {
    const lines = reply.parts.citations.map(
      (c, i) => `${reply.parts.numbered ? `[${i + 1}]` : '•'} <a href="${escapeAttribute(c.url)}">${escapeHtml(c.title)}</a> (${escapeHtml(c.checkedLabel)})`,
    );
    blocks.push(`<b>${escapeHtml(reply.parts.sourcesLabel)}</b>\n${lines.join('\n')}`);
  }
  if (reply.parts.footer.length) blocks.push(`<i>${reply.parts.footer.map(escapeHtml).join('\n')}</i>`);
  return splitMessage(blocks, MAX_TELEGRAM_TEXT);
}

/** Packs blocks into messages of at most `limit` characters, splitting long blocks by sentence. */
export function splitMessage(blocks: string[], limit: number): string[] {
  const pieces = blocks.flatMap((block) => (block.length <= limit ? [block] : splitBlock(block, limit)));
  const messages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const next = current ? `${current}\n\n${piece}` : piece;
    if (next.length <= limit) {
      current = next;
    } else {
      if (current) messages.push(current);
      current = piece;
    }
  }
  if (current) messages.push(current);
  return messages;
}

function splitBlock(block: string, limit: number): string[] {
  const sentences = block.split(/(?<=[.!?؟።。])\s+/u);
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    // A single "sentence" longer than the limit is cut at a space (never inside an entity).
    const parts = sentence.length <= limit ? [sentence] : hardWrap(sentence, limit);
    for (const part of parts) {
      const next = current ? `${current} ${part}` : part;
      if (next.length <= limit) current = next;
      else {
        if (current) out.push(current);
        current = part;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

function hardWrap(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    const ampersand = rest.lastIndexOf('&', cut);
    if (ampersand > cut - 8 && !rest.slice(ampersand, cut).includes(';')) cut = ampersand;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
