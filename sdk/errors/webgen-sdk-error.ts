/**
 * Base class of every error the SDK throws on purpose. `name` is the concrete class name, so an error that
 * crossed the worker boundary as `{ name, message }` can be re-thrown as the same class.
 */
export class WebgenSdkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
