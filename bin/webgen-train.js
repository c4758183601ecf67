#!/usr/bin/env node
// The trainer is TypeScript; tsx compiles it on the fly so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../trainer/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the threaded wasm backend's worker threads would otherwise keep Node alive.
process.exit(code);
