import { readFileSync, rmSync } from 'node:fs';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { botUsername, writeRegionQr } from '../../src/cli/qr.js';
import { TelegramDouble } from '../doubles/telegram.js';
import { tempDir } from '../helpers.js';

// jsqr is CommonJS with a default export: under Node's ESM interop the function sits on .default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('milestone qr', () => {
  it('writes a PNG that scans to the region deep link, and an SVG', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const written = await writeRegionQr('milestone_test_bot', 'central-macedonia', dir);
    const png = PNG.sync.read(readFileSync(written.png));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe('https://t.me/milestone_test_bot?start=central-macedonia');
    expect(readFileSync(written.svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('asks the Bot API for the bot username', async () => {
    const api = await new TelegramDouble().start();
    try {
      expect(await botUsername({ token: '1:x', apiRoot: api.url, mode: 'polling' })).toBe('milestone_test_bot');
    } finally {
      await api.stop();
    }
  });
});
