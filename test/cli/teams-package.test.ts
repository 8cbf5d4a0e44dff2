import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTeamsPackage } from '../../src/cli/teams-package.js';
import { tempDir } from '../helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('milestone teams-package', () => {
  it('packs the manifest with the bot id from the environment and icons of the sizes Teams requires', () => {
    const appId = '11111111-2222-3333-4444-555555555555';
    const files = unzipSync(readFileSync(writeTeamsPackage(appId, path.join(dir, 'app.zip'))));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    expect(JSON.stringify(manifest)).not.toContain('{{');
    const color = PNG.sync.read(Buffer.from(files['color.png']!));
    const outline = PNG.sync.read(Buffer.from(files['outline.png']!));
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => writeTeamsPackage('not-a-guid', path.join(dir, 'x.zip'))).toThrow(/GUID/);
  });
});
