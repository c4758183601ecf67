/**
 * Calls that run one at a time, in call order: each call's options are checked at once (bad input rejects before it
 * queues), its work runs after every earlier call settled, and a failed call leaves the queue usable.
 */
import { AbortError } from '../errors/abort-error.js';

export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** @param closedError the error of a call made (or still queued) after close() */
  constructor(private readonly closedError: () => Error) {}

  /** Runs `prepare` now; the work it returns runs after the earlier calls. */
  run<T>(prepare: () => () => Promise<T>): Promise<T> {
    let work: () => Promise<T>;
    try {
      if (this.closed) throw this.closedError();
      work = prepare();
    } catch (err) {
      return Promise.reject(err);
    }
    const result = this.tail.then(() => {
      if (this.closed) throw this.closedError();
      return work();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** As run, for work that `signal` stops while it waits: AbortError when the signal fired before the work starts (a forward pass is not interrupted). */
  runUnlessAborted<T>(signal: AbortSignal | undefined, prepare: () => () => Promise<T>): Promise<T> {
    return this.run(() => {
      const work = prepare();
      return () => (signal?.aborted ? Promise.reject(new AbortError()) : work());
    });
  }

  /** Refuses later calls (and queued ones not yet started); resolves when the running call settled. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
