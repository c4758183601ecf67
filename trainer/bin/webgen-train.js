#!/usr/bin/env node
// The trainer is TypeScript; tsx compiles it on the fly so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
// A reader that closes the pipe early (`webgen-train eval-prompts … | head -1`) ends the command quietly, as with other CLI tools.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { reportError } = await import('../cli/report-error.ts');
// An error escaping main (an event emitter's, a stray promise) ends in one line too, as main's own errors do.
process.on('uncaughtException', (err) => process.exit(reportError('webgen-train', err)));
process.on('unhandledRejection', (err) => process.exit(reportError('webgen-train', err)));
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the threaded wasm backend's worker threads would otherwise keep Node alive.
process.exit(code);
