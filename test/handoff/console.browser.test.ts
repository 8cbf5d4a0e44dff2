import { existsSync, rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { INDEX_DIR, KNOWLEDGE_DIR, tempDir } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'console-token-for-tests';
let server: RunningServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, KNOWLEDGE_DIR, INDEX_DIR, STAFF_TOKEN: TOKEN }), { log: () => undefined });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

// On CI the browser is always installed (.ci/run), so there this test can never be skipped.
describe.runIf(existsSync(CHROMIUM) || Boolean(process.env.CI))('the staff console and web chat in a real browser', () => {
  it('a user asks for a person in the web chat; staff claim, reply, return; the bot answers again', async () => {
    const userPage = await browser.newPage();
    await userPage.goto(`${server.url}/`);
    await userPage.selectOption('#region', 'linkoping');
    await userPage.selectOption('#role', 'migrant');
    await userPage.fill('#text', 'I want to talk to a real person please');
    await userPage.press('#text', 'Enter');
    await userPage.getByText('They will answer you here').waitFor();

    const staffPage = await browser.newPage();
    await staffPage.goto(`${server.url}/staff`);
    await staffPage.fill('#token', TOKEN);
    await staffPage.click('#loginForm button');
    await staffPage.fill('#name', 'Karin');
    await staffPage.dispatchEvent('#name', 'change');
    const caseButton = staffPage.locator('.case[data-handoff=queued]');
    await caseButton.first().waitFor();
    await caseButton.first().click();
    await staffPage.getByText('I want to talk to a real person please').waitFor();

    await staffPage.click('button[data-action=claim]');
    await userPage.getByText(/Karin from the Linköping team/).waitFor();

    await staffPage.fill('#reply', 'Hej! I am Karin. What do you need?');
    await staffPage.click('#replyForm button');
    await userPage.getByText('Karin: Hej! I am Karin. What do you need?').waitFor();

    // The user's message while staff hold the chat reaches the console live; the bot stays silent.
    await userPage.fill('#text', 'I need help with my work permit');
    await userPage.press('#text', 'Enter');
    await staffPage.getByText('I need help with my work permit').waitFor();
    expect(await userPage.locator('.msg.bot .sources').count()).toBe(0);

    await staffPage.click('button[data-action=return]');
    await userPage.getByText(/handed the chat back/).waitFor();
    await userPage.fill('#text', 'Where can I learn Swedish?');
    await userPage.press('#text', 'Enter');
    await userPage.locator('.msg.bot .sources a').first().waitFor();

    const stats = await staffPage.locator('#stats').innerText();
    expect(stats).toContain('Linköping');
  });

  it('refuses the console API without the token', async () => {
    const res = await fetch(`${server.url}/staff/api/queue`);
    expect(res.status).toBe(401);
    const forged = await fetch(`${server.url}/staff/api/queue`, { headers: { authorization: 'Bearer nope' } });
    expect(forged.status).toBe(401);
  });
});
