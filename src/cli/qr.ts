import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';
import type { Config } from '../config/index.js';
import { ServiceError } from '../errors.js';

/** The bot's username, from the Bot API's getMe (a plain HTTPS call: src/ does not use grammY). */
export async function botUsername(telegram: NonNullable<Config['telegram']>): Promise<string> {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getMe`).catch((error: Error) => {
    throw new ServiceError('telegram', `getMe failed: ${error.message}`);
  });
  const body = (await response.json().catch(() => ({}))) as { ok?: boolean; result?: { username?: string }; description?: string };
  if (!body.ok || !body.result?.username) throw new ServiceError('telegram', `getMe failed: ${body.description ?? response.status}`);
  return body.result.username;
}

/**
 * Writes the region's deep-link QR code (https://t.me/<bot>?start=<region-id>) as PNG and
 * SVG, for posters in a town hall: scanning it opens the bot already set to the region.
 */
export async function writeRegionQr(username: string, regionId: string, outDir: string): Promise<{ url: string; png: string; svg: string }> {
  const url = `https://t.me/${username}?start=${encodeURIComponent(regionId)}`;
  mkdirSync(outDir, { recursive: true });
  const png = path.join(outDir, `${regionId}-telegram.png`);
  const svg = path.join(outDir, `${regionId}-telegram.svg`);
  await QRCode.toFile(png, url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 1024 });
  writeFileSync(svg, await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
  return { url, png, svg };
}
