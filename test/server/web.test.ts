import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { INDEX_DIR, KNOWLEDGE_DIR, tempDir } from '../helpers.js';

let running: RunningServer;
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  running = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, KNOWLEDGE_DIR, INDEX_DIR }), { log: () => undefined });
});
afterAll(async () => {
  await running.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown) =>
  fetch(`${running.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the HTTP server', () => {
  it('reports health', async () => {
    const res = await fetch(`${running.url}/healthz`);
    expect(res.status).toBe(200);
    expect((await res.json()).ok).toBe(true);
  });

  it('serves the web chat page', async () => {
    const res = await fetch(`${running.url}/`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('/api/chat');
  });

  it('runs a web chat conversation through onboarding to a cited answer, and stores it', async () => {
    const userId = 'web-test-user-1';
    await post({ userId, choice: 'region:piemonte' });
    await post({ userId, choice: 'role:migrant' });
    const res = await post({ userId, text: 'Where can I learn Italian for free?' });
    const body = await res.json();
    const answer = body.replies.find((r: { kind: string }) => r.kind === 'answer');
    expect(answer.parts.citations.length).toBeGreaterThan(0);
    const stored = await running.store.exportUser(`web:${userId}`);
    expect(stored?.messages.some((m) => m.text === 'Where can I learn Italian for free?')).toBe(true);
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ userId: 'short' })).status).toBe(400);
    expect((await post({ userId: 'web-test-user-2', text: 'x'.repeat(70_000) })).status).toBe(413);
  });

  it('answers 404 for an unknown path', async () => {
    expect((await fetch(`${running.url}/nope`)).status).toBe(404);
  });
});
