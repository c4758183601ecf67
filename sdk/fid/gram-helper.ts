/**
 * The second thread of the covariance accumulation (stats.ts; the Node entry and the SDK's browser worker pass
 * `gramHelper` to setGramHelper): one helper worker per process (Node: worker_threads) or per
 * worker (browser: a nested Worker from a Blob URL), created on first use and kept, with its own instance of the
 * statistics module. The accumulator splits the lower triangle of G = Σ yyᵀ at row r ≈ d/√2: it computes rows
 * [0, r) itself while the helper computes rows [r, d) (half the multiply-adds each) and adds them into a shared band.
 *
 * Synchronous for the caller (FeatureAccumulator.add stays sync): the block's rows and the band are
 * SharedArrayBuffers, the job goes by postMessage (delivered without the caller's event loop) and the caller
 * blocks in Atomics.wait until the helper bumps the done counter. Where any of that is missing (no
 * SharedArrayBuffer outside cross-origin isolation, a browser page's main thread where Atomics.wait throws, a CSP
 * without blob: workers) `gramHelper()` answers undefined and the accumulator runs on one thread.
 */
import { WebgenSdkError } from '../errors/webgen-sdk-error.js';
import type { GramHelper } from './stats.js';
import { statsModule } from './wasm.js';

/** Rows the band kernels take per call: the transposed chunk [d, 256] (as stats.ts's BATCH). */
const CHUNK = 256;

/**
 * The helper's code, a string (not a stringified function: a transpiler's helpers would not exist in the worker).
 * Messages: { module } → instantiates, answers 'ready'; a job { xs, rows, d, dp, r, shift, band, ctl, seq } →
 * band [dp − r, dp] += (Y Yᵀ rows r…dp−1, columns ≤ row) of Y = xs [rows, d] − shift, then ctl[0] = seq (ctl[1] = 1 on error).
 */
const HELPER_SOURCE = `
const N = typeof self > 'u', P = N ? require('node:worker_threads').parentPort : self;
let k, top;
const A = (b) => { const p = top, m = k.memory; top = Math.ceil((p + b) / 64) * 64; if (top > m.buffer.byteLength) m.grow(Math.ceil((top - m.buffer.byteLength) / 65536)); return p; };
const F = (p, n) => new Float64Array(k.memory.buffer, p, n);
async function on(m) {
  if (m.module) {
    k = (await WebAssembly.instantiate(m.module, { env: { abort() { throw Error('aborted'); } } })).exports;
    top = Math.ceil(k.heapBase() / 64) * 64;
    return P.postMessage('ready');
  }
  const { xs, rows, d, dp, r, shift, band, ctl, seq } = m, base = top, B = ${CHUNK}, h = dp - r;
  try {
    const ps = A(dp * 8), pu = A(dp * 8), pt = A(dp * B * 8), pr = A(B * d * 8), pb = A(h * dp * 8), x = new Float64Array(xs, 0, rows * d);
    F(ps, dp).fill(0).set(shift);
    F(pb, h * dp).fill(0);
    for (let s = 0; s < rows; s += B) {
      const n = Math.min(B, rows - s), lo = pt + r * B * 8;
      F(pr, n * d).set(x.subarray(s * d, (s + n) * d));
      k.loadBatchF64(pr, n, d, ps, pt, dp, B, pu);
      k.gemmNT(lo, B, pt, B, pb, dp, h, r, 0, B, 0);
      k.gemmNT(lo, B, lo, B, pb + r * 8, dp, h, h, 0, B, 1);
    }
    const o = new Float64Array(band), y = F(pb, h * dp);
    for (let i = 0; i < y.length; i++) o[i] += y[i];
  } catch { Atomics.store(ctl, 1, 1); }
  top = base;
  Atomics.store(ctl, 0, seq);
  Atomics.notify(ctl, 0);
}
if (N) P.on('message', on); else onmessage = (e) => on(e.data);
`;

interface WorkerLike {
  postMessage(m: unknown): void;
  terminate(): unknown;
}

let helper: Promise<GramHelper | undefined> | undefined;

/** The process's (or worker's) helper, started on the first call; undefined where a second thread cannot work. */
export function gramHelper(): Promise<GramHelper | undefined> {
  helper ??= startHelper().catch(() => undefined);
  return helper;
}

async function startHelper(): Promise<GramHelper | undefined> {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; document?: unknown; process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } };
  const isNode = typeof g.process?.versions?.node === 'string';
  // a page's main thread may not block in Atomics.wait; a page that is not cross-origin isolated has no SharedArrayBuffer
  if (typeof g.SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return undefined;
  if (!isNode && (g.document !== undefined || g.crossOriginIsolated === false)) return undefined;
  const module = await statsModule();
  let worker: WorkerLike;
  /** Calls `f` with each message; `fail` once if the worker cannot start or dies. */
  let listen: (f: (m: unknown) => void, fail: () => void) => void;
  if (isNode) {
    const spec = ['node', 'worker_threads'].join(':');
    const wt = (g.process!.getBuiltinModule?.(spec) ?? (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec))) as {
      Worker: new (code: string, opts: { eval: boolean }) => WorkerLike & { unref(): void; on(e: string, f: (m: unknown) => void): void };
    };
    const w = new wt.Worker(HELPER_SOURCE, { eval: true });
    worker = w;
    listen = (f, fail) => {
      w.on('message', f);
      w.on('error', fail);
      w.unref(); // an idle helper must not keep the process alive (after on('message'), which refs it again)
    };
  } else {
    type BrowserWorker = WorkerLike & { onmessage: ((e: { data: unknown }) => void) | null; onerror: (() => void) | null };
    const W = (globalThis as { Worker?: new (url: string) => BrowserWorker }).Worker;
    if (!W) return undefined;
    const w = new W(URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' })));
    worker = w;
    listen = (f, fail) => {
      w.onmessage = (e) => f(e.data);
      w.onerror = fail; // e.g. a Content-Security-Policy without blob: workers
    };
  }
  let dead = false;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    listen(
      (m) => {
        if (m === 'ready') {
          clearTimeout(timer);
          resolve(true);
        }
      },
      () => {
        dead = true;
        helper = undefined; // the next accumulator starts a new one (or runs on one thread)
        clearTimeout(timer);
        resolve(false);
      },
    );
    worker.postMessage({ module });
  });
  if (!ready) {
    worker.terminate();
    return undefined;
  }
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  let seq = 0;
  return {
    run(job, mine) {
      if (dead) throw new WebgenSdkError('statistics helper thread has stopped; create the accumulator with threads: 1');
      seq = (seq + 1) | 0;
      Atomics.store(ctl, 1, 0);
      worker.postMessage({ ...job, ctl, seq });
      try {
        mine();
      } finally {
        // a block is ~0.1 s of work per thread at d = 2048 (d² scaling); a minute means the helper is gone
        while (Atomics.load(ctl, 0) !== seq) {
          if (Atomics.wait(ctl, 0, Atomics.load(ctl, 0), 60_000) === 'timed-out') throw new WebgenSdkError('statistics helper thread did not answer in 60 s');
        }
      }
      if (Atomics.load(ctl, 1) !== 0) throw new WebgenSdkError('statistics helper thread failed (out of memory?); create the accumulator with threads: 1');
    },
  };
}
