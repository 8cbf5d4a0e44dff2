#!/usr/bin/env node
// The `milestone` command. TypeScript sources run through tsx, so the command works
// right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
// `milestone … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
// The composition root: channel adapters are plugged in here, so src/ never imports a chat SDK.
// Each is loaded only when `serve` starts it.
const telegramChannel = async (context) => (await import('../adapters/telegram/index.ts')).telegramChannel(context);
const teamsChannel = async (context) => (await import('../adapters/teams/index.ts')).teamsChannel(context);
process.exitCode = await main(process.argv.slice(2), { channels: [telegramChannel, teamsChannel] });
