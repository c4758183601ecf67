// The statistics module as built by `npm run build:wasm`: every kernel the TypeScript side calls is
// exported (a stale build fails here first), it can be handed over as bytes (how a bundle ships it), and
// a missing or broken module is a StatsWasmUnavailableError saying how to build it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { StatsWasmUnavailableError } from '../sdk/errors/stats-wasm-unavailable-error.js';
import { featureStats } from '../sdk/fid/stats.js';
import { setStatsWasm, StatsArena } from '../sdk/fid/wasm.js';

const BUILT = new URL('../wasm/build/webgen-stats.wasm', import.meta.url);
const KERNELS = [
  'heapBase', 'loadBatchF32', 'loadBatchF64', 'gemmNT', 'choleskyInit', 'choleskyPanel', 'tridiagonalPanel',
  'permuteSymmetric', 'transposeLower', 'tridiagonalEigenvalues', 'polyKernelSum',
];

afterEach(() => setStatsWasm(BUILT));

describe('statistics wasm module', () => {
  it('exports every kernel and grows its memory on demand', async () => {
    const bytes = readFileSync(BUILT);
    const mod = await WebAssembly.compile(bytes);
    const names = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const k of KERNELS) expect(names, k).toContain(k);
    expect(names).toContain('memory');
    const arena = await StatsArena.create();
    const p = arena.alloc(64 << 20); // grows the memory
    expect(arena.k.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + (64 << 20));
  });

  it('can be given as bytes, and a missing module says how to build it', async () => {
    setStatsWasm(new Uint8Array(readFileSync(BUILT)));
    const s = await featureStats(new Float32Array([1, 2, 3, 5]), 2);
    expect(Array.from(s.mean)).toEqual([2, 3.5]);
    setStatsWasm(new URL('./no-such.wasm', BUILT));
    const err = await featureStats(new Float32Array(4), 2).catch((e) => e);
    expect(err).toBeInstanceOf(StatsWasmUnavailableError);
    expect(err.message).toMatch(/cannot read the statistics module: .*no-such\.wasm.*npm run build:wasm/);
    setStatsWasm(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]));
    await expect(featureStats(new Float32Array(4), 2)).rejects.toThrow(/cannot compile the statistics module .*SIMD/);
  });
});
