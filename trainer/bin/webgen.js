#!/usr/bin/env node
// `webgen sample …`, `webgen fid …`, `webgen eval fid …`: TypeScript run through tsx, as webgen-train.
import { register } from 'tsx/esm/api';

register();
// A reader that closes the pipe early (`webgen sample … | head -1`) ends the command quietly, as with other CLI tools.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { reportError } = await import('../cli/report-error.ts');
// An error escaping main (an event emitter's, a stray promise) ends in one line too, as main's own errors do.
process.on('uncaughtException', (err) => process.exit(reportError('webgen', err)));
process.on('unhandledRejection', (err) => process.exit(reportError('webgen', err)));
const { main } = await import('../cli/webgen-main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: onnxruntime's and the wasm backend's threads would otherwise keep Node alive.
process.exit(code);
