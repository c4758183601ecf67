/**
 * Loading webgen's statistics WebAssembly module (wasm/assembly → wasm/build/webgen-stats.wasm) in Node
 * or a browser, and a bump arena over one instance's memory. Each accumulator or FID computation owns an
 * instance (instances of a compiled module are cheap), so its buffers live and die with it.
 */
import { StatsWasmUnavailableError } from '../errors/stats-wasm-unavailable-error.js';
import { WebgenSdkError } from '../errors/webgen-sdk-error.js';

/** The module's exports (see wasm/assembly/index.ts for each kernel's contract). Pointers are byte offsets. */
export interface StatsKernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  loadBatchF32(src: number, n: number, d: number, shift: number, xt: number, dp: number, bp: number, sum: number): void;
  loadBatchF64(src: number, n: number, d: number, shift: number, xt: number, dp: number, bp: number, sum: number): void;
  gemmNT(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k0: number, k1: number, lower: number): void;
  choleskyInit(a: number, ld: number, d: number, perm: number, diag: number): number;
  choleskyPanel(a: number, ld: number, dp: number, d: number, perm: number, diag: number, tol: number, nb: number, pan: number, neg: number, k0: number): number;
  tridiagonalPanel(a: number, ld: number, n: number, dOut: number, eOut: number, V: number, W: number, NV: number, NW: number, v: number, y: number, t1: number, t2: number, nb: number, k0: number): void;
  permuteSymmetric(src: number, dst: number, ld: number, perm: number, d: number): void;
  transposeLower(l: number, lt: number, ld: number, d: number, r: number, rows: number): void;
  tridiagonalEigenvalues(d: number, e: number, n: number): number;
  polyKernelSum(g: number, ld: number, m: number, n: number, dim: number, strictLower: number): number;
}


type WasmSource = BufferSource | WebAssembly.Module | URL | string;

let source: WasmSource | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Where the statistics module comes from: its bytes, a compiled module, or a URL / path. Default: the file
 * `wasm/build/webgen-stats.wasm` next to the SDK sources (read with node:fs under Node, fetched in a browser).
 * Call before the first FID/KID computation; bundlers that inline or relocate the file call it once.
 */
export function setStatsWasm(src: WasmSource): void {
  source = src;
  compiled = undefined;
}

const DEFAULT_URL = new URL('../../wasm/build/webgen-stats.wasm', import.meta.url);

async function compile(): Promise<WebAssembly.Module> {
  const src = source ?? DEFAULT_URL;
  if (src instanceof WebAssembly.Module) return src;
  let bytes: BufferSource;
  try {
    if (ArrayBuffer.isView(src) || src instanceof ArrayBuffer) bytes = src;
    else if (isNode() && (typeof src === 'string' || src.protocol === 'file:')) {
      const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises' as string);
      const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url' as string);
      bytes = await readFile(typeof src === 'string' ? src : fileURLToPath(src));
    } else {
      const res = await fetch(src);
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${String(src)}`);
      bytes = await res.arrayBuffer();
    }
  } catch (err) {
    throw new StatsWasmUnavailableError(
      `cannot read the statistics module ${String(src)} (${(err as Error).message}); build it with 'npm run build:wasm' or pass its bytes to setStatsWasm()`,
      { cause: err },
    );
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    throw new StatsWasmUnavailableError(`cannot compile the statistics module (${(err as Error).message}); it needs WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+)`, { cause: err });
  }
}

function isNode(): boolean {
  // through globalThis: browser builds type-check this file without Node's types
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** The compiled module (compiled once per process or page). */
export function statsModule(): Promise<WebAssembly.Module> {
  compiled ??= compile().catch((err) => {
    compiled = undefined; // a later call may succeed after setStatsWasm()
    throw err;
  });
  return compiled;
}

/** One instance of the module with a bump allocator over its memory. */
export class StatsArena {
  private top: number;

  private constructor(readonly k: StatsKernels) {
    this.top = align(k.heapBase(), 64);
  }

  static async create(): Promise<StatsArena> {
    const instance = await WebAssembly.instantiate(await statsModule(), {
      env: {
        abort: () => {
          throw new WebgenSdkError('statistics module aborted');
        },
      },
    });
    return new StatsArena(instance.exports as unknown as StatsKernels);
  }

  /** Reserves `bytes` (64-byte aligned), growing the memory as needed; returns the byte offset. Contents are not cleared. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align(ptr + bytes, 64);
    const have = this.k.memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / 65536);
      try {
        this.k.memory.grow(pages);
      } catch (err) {
        throw new WebgenSdkError(`statistics module: cannot grow memory to ${(this.top / 2 ** 20).toFixed(0)} MiB (${(err as Error).message}); use fewer feature dimensions`, { cause: err });
      }
    }
    return ptr;
  }

  /** A Float64Array view of n values at ptr (re-create after any alloc: growing detaches old views). */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, n);
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, n);
  }
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** x rounded up to a multiple of m. */
export function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}
