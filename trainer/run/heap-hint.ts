import { WebgenError } from '../errors/webgen-error.js';

/**
 * The wasm32 heap stops at 4 GiB; past ~2 GiB some tfjs kernels fail with a bare RuntimeError.
 * Turn that into advice: the run keeps its last checkpoint and can resume with smaller passes.
 */
export function withHeapHint<T>(fn: () => T, micro: number, ckptPath: string): T {
  try {
    return fn();
  } catch (err) {
    const msg = String((err as Error)?.message ?? err);
    if (err instanceof WebAssembly.RuntimeError || /memory access out of bounds|Aborted\(OOM\)|Out of memory/i.test(msg)) {
      throw new WebgenError(
        `the WebAssembly heap ran out of memory with ${micro} images per pass (${msg}). ` +
          `Use --micro-batch ${Math.max(1, Math.floor(micro / 2))} (gradients are accumulated, the result is the same) ` +
          `and --resume from ${ckptPath}.`,
      );
    }
    throw err;
  }
}
