import { createServer, type Server } from 'node:http';

export interface ConnectorCall {
  method: string;
  conversationId: string;
  replyToId?: string;
  activity: Record<string, unknown> & { text?: string; attachments?: { contentType: string; content: unknown }[] };
  authorization?: string;
}

/**
 * A local Bot Connector (the activity's serviceUrl): accepts the bot's replies and proactive
 * messages on /v3/conversations/{id}/activities[/{replyToId}] and records them.
 */
export class BotConnectorDouble {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private next = 1;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec((req.url ?? '').split('?')[0]!);
        if (!match) {
          res.writeHead(404).end();
          return;
        }
        const activity = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        this.calls.push({
          method: req.method ?? '',
          conversationId: decodeURIComponent(match[1]!),
          replyToId: match[2] ? decodeURIComponent(match[2]) : undefined,
          activity,
          authorization: req.headers.authorization,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `17000000${String(this.next++).padStart(5, '0')}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Messages (not typing indicators) the bot sent into a conversation. */
  messages(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.activity.type === 'message' && (!conversationId || c.conversationId === conversationId));
  }
}

const BOT = { id: '28:milestone-bot', name: 'MILEstone' };
let activityId = 1;

/** A Teams personal-chat message, shaped as in the Bot Framework / Teams documentation. */
export function personalMessage(serviceUrl: string, user: { aad: string; name: string }, text?: string, value?: unknown) {
  return {
    type: 'message',
    id: `p${activityId++}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user.aad}`, name: user.name, aadObjectId: user.aad },
    conversation: { conversationType: 'personal', tenantId: 'tenant-1', id: `a:personal-${user.aad}` },
    recipient: BOT,
    text,
    value,
    locale: 'de-DE',
    textFormat: 'plain',
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

export const STAFF_CHANNEL = '19:staffchannel@thread.tacv2';

/** A message in a team channel (a thread reply when `threadId` is given), mentioning the bot. */
export function channelMessage(serviceUrl: string, user: { aad: string; name: string }, text: string, options: { threadId?: string; value?: unknown; channel?: string } = {}) {
  const channel = options.channel ?? STAFF_CHANNEL;
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id: `c${activityId++}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user.aad}`, name: user.name, aadObjectId: user.aad },
    conversation: { conversationType: 'channel', isGroup: true, tenantId: 'tenant-1', id: options.threadId ? `${channel};messageid=${options.threadId}` : channel },
    recipient: BOT,
    text: options.value ? undefined : `${mention} ${text}`,
    value: options.value,
    entities: options.value ? [] : [{ type: 'mention', text: mention, mentioned: BOT }],
    channelData: { teamsChannelId: channel, teamsTeamId: '19:team@thread.tacv2', channel: { id: channel }, team: { id: '19:team@thread.tacv2' }, tenant: { id: 'tenant-1' } },
  };
}

export function botAddedToChannel(serviceUrl: string) {
  return {
    type: 'conversationUpdate',
    id: `u${activityId++}`,
    serviceUrl,
    channelId: 'msteams',
    from: { id: '29:admin', name: 'Admin', aadObjectId: 'admin' },
    conversation: { conversationType: 'channel', isGroup: true, id: STAFF_CHANNEL, tenantId: 'tenant-1' },
    recipient: BOT,
    membersAdded: [{ id: BOT.id }],
    channelData: { eventType: 'teamMemberAdded', team: { id: '19:team@thread.tacv2' }, tenant: { id: 'tenant-1' } },
  };
}
