/**
 * Loading webgen's statistics WebAssembly module (wasm/assembly → wasm/build/webgen-stats.wasm) in Node
 * or a browser, and a bump arena over one instance's memory. Each accumulator or FID computation owns an
 * instance (instances of a compiled module are cheap), so its buffers live and die with it.
 */
import { StatsWasmUnavailableError } from '../errors/stats-wasm-unavailable-error.js';
import { WebgenSdkError } from '../errors/webgen-sdk-error.js';
import { ASSETS_HINT, fetchWasm } from '../loader/fetch-wasm.js';

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
let fallback: WasmSource | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Where the statistics module comes from: its bytes, a compiled module, or a URL / path (read with node:fs under Node,
 * fetched in a browser). Default: the package's own `dist/webgen-stats.wasm` (the worker and `webgen/node` set it). Call
 * before the first FID/KID computation.
 */
export function setStatsWasm(src: WasmSource): void {
  source = src;
  compiled = undefined;
}

/** The entry's default (worker.ts: the bundled file or assetsUrl; node.ts: the file in its package). setStatsWasm() wins. */
export function setDefaultStatsWasm(src: WasmSource): void {
  fallback = src;
  if (source === undefined) compiled = undefined;
}

/**
 * Run from the repository's sources (the trainer, the tests: this file is sdk/fid/wasm.ts), the file `npm run
 * build:wasm` writes. Derived from import.meta.url as a string, not with `new URL('…', import.meta.url)`: bundlers
 * would try to copy a file the package does not have. In a bundle the pattern does not match and there is no fallback.
 */
function sourceTreeWasm(): URL | undefined {
  if (!isNode()) return undefined;
  const here: string = import.meta.url;
  const tree = here.replace(/\/sdk\/fid\/wasm\.[jt]s$/, '/wasm/build/webgen-stats.wasm');
  return tree === here ? undefined : new URL(tree);
}

async function compile(): Promise<WebAssembly.Module> {
  const chosen: WasmSource | undefined = source ?? fallback ?? sourceTreeWasm();
  if (chosen === undefined) throw new StatsWasmUnavailableError('no statistics module is set: pass its URL or bytes to setStatsWasm()');
  if (chosen instanceof WebAssembly.Module) return chosen;
  // (WebAssembly.Module is an empty interface: TypeScript's instanceof narrowing would leave only `string` here)
  const src = chosen as BufferSource | URL | string;
  let bytes: BufferSource;
  try {
    if (ArrayBuffer.isView(src) || src instanceof ArrayBuffer) bytes = src;
    else if (isNode() && (typeof src === 'string' || src.protocol === 'file:')) {
      // (typed here: browser builds type-check this file without Node's types)
      const { readFile } = (await nodeBuiltin('fs/promises')) as { readFile(path: string): Promise<Uint8Array<ArrayBuffer>> };
      const { fileURLToPath } = (await nodeBuiltin('url')) as { fileURLToPath(url: URL): string };
      bytes = await readFile(typeof src === 'string' ? src : fileURLToPath(src));
    } else {
      bytes = await fetchWasm(String(src));
    }
  } catch (err) {
    const hint = isNode() ? "reinstall webgen (its dist/webgen-stats.wasm is missing; in the repository: 'npm run build:wasm') or pass its bytes to setStatsWasm()" : ASSETS_HINT;
    throw new StatsWasmUnavailableError(`cannot read the statistics module: ${(err as Error).message}; ${hint}`, { cause: err });
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    throw new StatsWasmUnavailableError(`cannot compile the statistics module (${(err as Error).message}); it needs WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+)`, { cause: err });
  }
}

/**
 * A Node built-in, reached so that no bundler sees an import of it (they would warn about, or stub, `node:` modules in a
 * browser build): process.getBuiltinModule (Node 20.16+), else an import() of a computed specifier.
 */
async function nodeBuiltin(name: string): Promise<unknown> {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const spec = ['node', name].join(':');
  return p?.getBuiltinModule?.(spec) ?? import(/* @vite-ignore */ /* webpackIgnore: true */ spec);
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
