import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KnowledgeError } from '../errors.js';

export const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

/** A prompt template from prompts/: versioned, with a system and a user part. */
export interface PromptTemplate {
  name: string;
  version: number;
  system: string;
  user: string;
}

const cache = new Map<string, PromptTemplate>();

/** Loads prompts/<name>.md (front-matter with name and version, then `# system` and `# user`). */
export function loadPrompt(name: string, dir = PROMPTS_DIR): PromptTemplate {
  const key = path.join(dir, name);
  const cached = cache.get(key);
  if (cached) return cached;
  const file = path.join(dir, `${name}.md`);
  const text = readFileSync(file, 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n# system\n([\s\S]*?)\n# user\n([\s\S]*)$/.exec(text);
  const version = Number(/version:\s*(\d+)/.exec(match?.[1] ?? '')?.[1]);
  if (!match || !version) throw new KnowledgeError(file, 'template', 'needs front-matter with a version, then "# system" and "# user" parts');
  const template = { name, version, system: match[2]!.trim(), user: match[3]!.trim() };
  cache.set(key, template);
  return template;
}

/** Fills `{{name}}` placeholders; values are inserted as they are (they are data, between markers). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/{{(\w+)}}/g, (_, key: string) => String(values[key] ?? ''));
}
