import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../src/errors.js';
import { coverage, loadKnowledge, REQUIRED_TOPICS } from '../../src/knowledge/index.js';
import { copyOfKnowledge, KNOWLEDGE_DIR, SHARED_DIR } from '../helpers.js';

const knowledge = loadKnowledge(KNOWLEDGE_DIR);
const REGION_IDS = ['burgenlandkreis', 'postojna', 'zachodniopomorskie', 'groningen', 'asco', 'piemonte', 'jyvaskyla', 'central-macedonia', 'linkoping'];

describe('the knowledge base', () => {
  it('has the nine regions of DESIGN.md', () => {
    expect([...knowledge.regions.keys()].sort()).toEqual([...REGION_IDS].sort());
  });

  it.each(REGION_IDS)('covers all seven topics in English and the local languages for %s', (regionId) => {
    const region = knowledge.regions.get(regionId)!;
    const covered = coverage(knowledge, regionId);
    const missing = REQUIRED_TOPICS.flatMap((topic) =>
      ['en', ...region.languages.slice(0, regionId === 'asco' ? 2 : 1)]
        .filter((lang) => !covered.get(topic)?.has(lang))
        .map((lang) => `${topic}:${lang}`),
    );
    expect(missing).toEqual([]);
  });

  it('gives every document an official source URL and a verified date', () => {
    for (const doc of knowledge.documents) {
      expect(doc.sources.length, doc.file).toBeGreaterThan(0);
      for (const url of doc.sources) expect(url, doc.file).toMatch(/^https?:\/\//);
      expect(doc.verified, doc.file).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it.each(REGION_IDS)("keeps the phone numbers and office names of %s's fact sheet", (regionId) => {
    const region = knowledge.regions.get(regionId)!;
    const sheet = readFileSync(path.join(SHARED_DIR, 'sources', `${regionId}.md`), 'utf8');
    const scopes = new Set([region.id, region.country]);
    const text = knowledge.documents.filter((d) => scopes.has(d.scope)).map((d) => d.body).join('\n');
    const digits = text.replace(/(?<=\d)[^\d\p{L}]{1,3}(?=\d)/gu, '');
    const offices = sheet.split('## Facts')[0]!.split('\n').filter((line) => /^- O\d+\./.test(line));
    expect(offices.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const line of offices) {
      for (const match of line.matchAll(/Phone:\s*([^.;]+?)(?:\s*\(|\.\s|;|$)/g)) {
        for (const phone of match[1]!.split(/,| or | \/ /)) {
          const number = phone.replace(/[^\d+]/g, '').replace(/^\+/, '');
          if (number.length >= 3 && !digits.replace(/\+/g, '').includes(number)) missing.push(`phone ${phone.trim()}`);
        }
      }
      // The office's English name, and each name in the brackets after it ("Local name / other name, ...").
      const name = /^- O\d+\.\s*([^(:]+?)\s*[(:]/.exec(line)?.[1] ?? '';
      const bracket = /^- O\d+\.[^(]*\(([^)]+)\)/.exec(line)?.[1] ?? '';
      const names = [name, ...bracket.split(/[,;/]|\s[=–-]\s|"|\bearlier called\b|\bat the\b/)].map((n) => n.trim()).filter((n) => n.length >= 4);
      const found = names.some((n) => text.toLowerCase().includes(n.toLowerCase()));
      if (!found) missing.push(`office ${names.join(' / ')}`);
    }
    for (const match of sheet.matchAll(/\bTel\.?:?\s*(\+?\d[\d\s–-]{1,16}\d)/g)) {
      const number = match[1]!.replace(/\D/g, '');
      if (!digits.replace(/\+/g, '').includes(number)) missing.push(`phone ${match[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('splits documents into passages that keep their title and sources', () => {
    const passage = knowledge.passages.find((p) => p.position > 0)!;
    const doc = knowledge.documents.find((d) => d.id === passage.docId && d.lang === passage.lang)!;
    expect(passage.title).toBe(doc.title);
    expect(passage.sources).toEqual(doc.sources);
    expect(doc.body).toContain(passage.text.split('\n')[0]);
  });
});

describe('loading a broken knowledge base', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function breakOne(edit: (text: string) => string): { dir: string; file: string } {
    const dir = copyOfKnowledge();
    dirs.push(dir);
    const doc = knowledge.documents.find((d) => d.scope === 'burgenlandkreis' && d.lang === 'en')!;
    const file = path.join(dir, doc.file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return { dir, file: doc.file };
  }

  function errorOf(dir: string): KnowledgeError {
    try {
      loadKnowledge(dir);
    } catch (error) {
      if (error instanceof KnowledgeError) return error;
      throw error;
    }
    throw new Error('the broken knowledge base loaded');
  }

  it('names the file in a one-line error when the front-matter is not YAML', () => {
    const { dir, file } = breakOne((text) => text.replace(/^title: .*$/m, 'title: "unclosed'));
    const error = errorOf(dir);
    expect(error.message).toContain(file);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('names file and field for a missing source', () => {
    const { dir, file } = breakOne((text) => text.replace(/^source:(\n\s+- .*)+/m, '').replace(/^source: .*$/m, ''));
    expect(errorOf(dir).message).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}: source`));
  });

  it('refuses a bad date', () => {
    const { dir } = breakOne((text) => text.replace(/^verified: .*$/m, 'verified: 2026-13-45'));
    expect(errorOf(dir).field).toBe('verified');
  });

  it('refuses an unknown topic', () => {
    const { dir } = breakOne((text) => text.replace(/^topics: .*$/m, 'topics: [weather]'));
    expect(errorOf(dir).field).toMatch(/^topics/);
  });

  it('refuses an empty body', () => {
    const { dir } = breakOne((text) => text.replace(/\n---\n[\s\S]*$/, '\n---\n'));
    expect(errorOf(dir).field).toBe('body');
  });

  it('refuses a document without front-matter', () => {
    const { dir, file } = breakOne((text) => text.replace(/^---\n[\s\S]*?\n---\n/, ''));
    expect(errorOf(dir).message).toBe(`${file}: front-matter: missing: the file must start with a --- block`);
  });

  it('refuses a duplicate id in the same language', () => {
    const dir = copyOfKnowledge();
    dirs.push(dir);
    const doc = knowledge.documents.find((d) => d.scope === 'burgenlandkreis' && d.lang === 'en')!;
    writeFileSync(path.join(dir, 'burgenlandkreis', 'copy.en.md'), readFileSync(path.join(dir, doc.file), 'utf8'));
    expect(errorOf(dir).field).toBe('id');
  });

  it('refuses a folder that is no region, country or eu', () => {
    const dir = copyOfKnowledge();
    dirs.push(dir);
    const doc = knowledge.documents.find((d) => d.lang === 'en')!;
    const target = path.join(dir, 'atlantis');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target);
    writeFileSync(path.join(target, 'x.en.md'), readFileSync(path.join(dir, doc.file), 'utf8'));
    expect(errorOf(dir).message).toMatch(/atlantis/);
  });
});
