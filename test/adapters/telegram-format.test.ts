import { describe, expect, it } from 'vitest';
import { escapeHtml, splitMessage, toTelegramHtml } from '../../adapters/telegram/index.js';
import type { Reply } from '../../src/engine/index.js';

const reply = (body: string[]): Reply => ({
  kind: 'answer',
  lang: 'en',
  dir: 'ltr',
  text: body.join('\n'),
  parts: {
    body,
    citations: [{ title: 'Work <rights> & you', url: 'https://example.org/a?b=1&c="2"', sources: [], docId: 'x', verified: '2026-11-25', checkedLabel: 'checked 2026-11-25' }],
    sourcesLabel: 'Sources',
    footer: ['Not legal advice.'],
    numbered: false,
  },
});

describe('Telegram formatting', () => {
  it('escapes every user or knowledge string for HTML parse mode', () => {
    const [html] = toTelegramHtml(reply(['a < b & <script>']));
    expect(html).toContain('a &lt; b &amp; &lt;script&gt;');
    expect(html).toContain('<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;">Work &lt;rights&gt; &amp; you</a>');
    expect(escapeHtml('<b>')).toBe('&lt;b&gt;');
  });

  it('splits long answers below 4096 characters at sentence boundaries', () => {
    const sentence = 'This sentence is about work permits and recognition. ';
    const chunks = toTelegramHtml(reply([sentence.repeat(200)]));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(4096);
    expect(chunks[0]!.trimEnd().endsWith('.')).toBe(true);
  });

  it('never cuts inside an HTML entity', () => {
    const chunks = splitMessage(['&amp;'.repeat(1000)], 100);
    for (const chunk of chunks) expect(chunk).toMatch(/^(&amp;)+$/);
  });
});
