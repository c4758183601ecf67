/** Base class of every error the trainer throws on purpose; the CLI prints `message` and exits non-zero. */
export class WebgenError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
