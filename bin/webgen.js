#!/usr/bin/env node
// `webgen sample …`, `webgen fid …`, `webgen eval fid …`: TypeScript run through tsx, as webgen-train.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../trainer/cli/webgen-main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: onnxruntime's and the wasm backend's threads would otherwise keep Node alive.
process.exit(code);
