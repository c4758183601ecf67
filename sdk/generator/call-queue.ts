/**
 * Calls that run one at a time, in call order: each call's options are checked at once (bad input rejects before it
 * queues), its work runs after every earlier call settled, and a failed call leaves the queue usable.
 */
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

  /** Refuses later calls (and queued ones not yet started); resolves when the running call settled. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
