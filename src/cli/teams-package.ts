import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';

export const TEAMS_APP_DIR = path.resolve(import.meta.dirname, '../../adapters/teams/app');

/**
 * Packs the Teams app (manifest.json with the bot id filled in, and the two icons) into the
 * zip that Teams sideloads.
 */
export function writeTeamsPackage(appId: string, out: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(appId)) {
    throw new Error('MICROSOFT_APP_ID must be the bot\'s app id (a GUID)');
  }
  const manifest = readFileSync(path.join(TEAMS_APP_DIR, 'manifest.json'), 'utf8').replaceAll('{{MICROSOFT_APP_ID}}', appId);
  JSON.parse(manifest);
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(manifest),
    'color.png': readFileSync(path.join(TEAMS_APP_DIR, 'color.png')),
    'outline.png': readFileSync(path.join(TEAMS_APP_DIR, 'outline.png')),
  });
  writeFileSync(out, zip);
  return out;
}
