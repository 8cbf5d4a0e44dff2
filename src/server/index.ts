export { startServer, type RunningServer } from './server.js';
export type { Channel, ChannelContext, ChannelFactory, ChannelRoute } from './channel.js';
export { HttpError, sendJson } from './http.js';
