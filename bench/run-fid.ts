/**
 * Only the FID/KID part of `npm run bench` (bench/fid.ts), printed as the same table:
 *   node --import tsx bench/run-fid.ts        (BENCH_FID_SKIP_PLAIN=1 leaves out the plain TypeScript figures)
 */
import { loadavg } from 'node:os';
import { benchFid } from './fid.js';

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await benchFid((name, value, unit) => console.log(`${name.padEnd(58)} ${String(Number(value.toPrecision(4))).padStart(12)} ${unit}`));
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
