import type { ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Request as BotRequest } from 'botbuilder';
import type { ChannelFactory } from '../../src/server/index.js';
import { createTeamsBot } from './bot.js';

export { createTeamsBot } from './bot.js';

/**
 * Microsoft Teams over the Bot Framework: POST /api/messages through botbuilder's
 * CloudAdapter. Every botbuilder import lives in adapters/teams, so that a move to the
 * Microsoft 365 Agents SDK (same Bot Connector protocol) is a change of this folder alone.
 */
export const teamsChannel: ChannelFactory = async (context) => {
  const { teams } = context.config;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: teams.appId ?? '',
    MicrosoftAppPassword: teams.appPassword ?? '',
    MicrosoftAppType: teams.appType,
    MicrosoftAppTenantId: teams.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (turn, error) => {
    context.log(`teams: turn failed: ${error.message}`);
    await turn.sendActivity('Sorry, something went wrong. Please try again, or type human.').catch(() => undefined);
  };
  if (!teams.appId) {
    context.log('milestone: WARNING: MICROSOFT_APP_ID is not set: POST /api/messages accepts UNAUTHENTICATED requests (local development and the Bot Framework Emulator only)');
  }
  const onTurn = createTeamsBot(adapter, context);
  return {
    name: teams.appId ? 'teams' : 'teams (unauthenticated)',
    routes: [
      {
        method: 'POST',
        path: '/api/messages',
        async handle(req, res, body) {
          if (typeof body !== 'object' || body === null || typeof (body as { type?: unknown }).type !== 'string') {
            res.writeHead(400, { 'content-type': 'text/plain' }).end('not a Bot Framework activity');
            return;
          }
          const request: BotRequest = { body: body as Record<string, unknown>, headers: req.headers, method: req.method };
          await adapter.process(request, responseShim(res), onTurn);
        },
      },
    ],
    async stop() {},
  };
};

/** botbuilder's minimal Response, over Node's ServerResponse. */
function responseShim(res: ServerResponse) {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(body: unknown) {
      if (body === undefined) return;
      if (typeof body === 'object') {
        res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify(body));
      } else {
        res.write(String(body));
      }
    },
    end() {
      res.end();
    },
  };
}
