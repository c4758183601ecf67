#!/usr/bin/env node
// Builds wasm/build/webgen-stats.wasm from wasm/assembly/ with the AssemblyScript compiler in
// node_modules (`npm run build:wasm`; also run by `prepare`, so `npm install` leaves it built).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'build'), { recursive: true });
const { error, stderr } = await asc.main(
  [join(here, 'assembly/index.ts'), '--config', join(here, 'asconfig.json'), '--target', 'release'],
  { stdout: process.stdout, stderr: process.stderr },
);
if (error) {
  console.error(`build:wasm failed: ${error.message}\n${stderr.toString()}`);
  process.exit(1);
}
console.log('wasm/build/webgen-stats.wasm built');
