import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Assistant } from '../app.js';
import type { Config } from '../config/index.js';
import type { ConversationService } from '../conversations/index.js';
import type { HandoffService } from '../handoff/index.js';
import type { Store } from '../store/index.js';

/** What a channel adapter gets from the server: the engine behind the conversation service. */
export interface ChannelContext {
  config: Config;
  assistant: Assistant;
  store: Store;
  conversations: ConversationService;
  handoff: HandoffService;
  log: (line: string) => void;
}

/** A request handler of a channel; the server has already read and size-checked the body. */
export interface ChannelRoute {
  method: 'POST' | 'GET';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
}

/** A running channel (Telegram, Teams…): its HTTP routes, and how to stop it. */
export interface Channel {
  name: string;
  routes: ChannelRoute[];
  stop(): Promise<void>;
}

/** Creates a channel when the configuration enables it; undefined otherwise. */
export type ChannelFactory = (context: ChannelContext) => Promise<Channel | undefined>;
