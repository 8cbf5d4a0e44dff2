import { run, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/index.js';
import type { Channel, ChannelFactory } from '../../src/server/index.js';
import { COMMANDS, createBot } from './bot.js';

export { createBot, sendReply } from './bot.js';
export { toTelegramHtml, escapeHtml, splitMessage } from './format.js';

/**
 * The Telegram channel, when TELEGRAM_BOT_TOKEN is set: long polling with @grammyjs/runner,
 * or POST /telegram/webhook on the shared server, checking the secret token header.
 */
export const telegramChannel: ChannelFactory = async (context) => {
  const telegram = context.config.telegram;
  if (!telegram) return undefined;
  const bot = createBot(context);
  await bot.init();
  await registerCommands(context, bot);

  if (telegram.mode === 'webhook') {
    // The server has read and size-checked the body; grammY checks the secret token.
    const handle = webhookCallback(bot, (update: Update, secret: string | undefined, res: import('node:http').ServerResponse) => ({
      update: Promise.resolve(update),
      header: secret,
      end: () => res.end(),
      respond: (json: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(json),
      unauthorized: () => res.writeHead(401).end('secret token is wrong'),
    }), { secretToken: telegram.webhookSecret, onTimeout: 'return', timeoutMilliseconds: 25_000 });
    const channel: Channel = {
      name: `telegram (webhook, @${bot.botInfo.username})`,
      routes: [
        {
          method: 'POST',
          path: '/telegram/webhook',
          async handle(req, res, body) {
            if (!isUpdate(body)) {
              res.writeHead(400).end('not a Telegram update');
              return;
            }
            const secret = req.headers['x-telegram-bot-api-secret-token'];
            await handle(body, Array.isArray(secret) ? secret[0] : secret, res);
          },
        },
      ],
      async stop() {},
    };
    return channel;
  }

  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot, { runner: { fetch: { allowed_updates: ['message', 'edited_message', 'callback_query'] } } });
  return {
    name: `telegram (polling, @${bot.botInfo.username})`,
    routes: [],
    async stop() {
      if (runner.isRunning()) await runner.stop();
    },
  };
};

function isUpdate(body: unknown): body is Update {
  return typeof body === 'object' && body !== null && Number.isInteger((body as { update_id?: unknown }).update_id);
}

/** The command menu, in every language the assistant speaks (Telegram picks by the user's app language). */
async function registerCommands(context: Parameters<ChannelFactory>[0], bot: ReturnType<typeof createBot>): Promise<void> {
  const { i18n } = context.assistant;
  const list = (lang: string) => COMMANDS.map((command) => ({ command, description: i18n.translator(lang).t(`commands.${command}`) }));
  await bot.api.setMyCommands(list('en'));
  for (const lang of SUPPORTED_LANGUAGES) {
    if (lang !== 'en' && i18n.has(lang)) await bot.api.setMyCommands(list(lang), { language_code: lang as 'de' });
  }
}
