/**
 * How both command lines end on an error: one line on stderr and an exit code, never a stack trace. Errors thrown
 * on purpose (the trainer's WebgenError, the SDK's WebgenSdkError) are their message: exit 2 for a bad command line
 * (UsageError), 1 for the rest. Anything else is a problem nobody foresaw (onnxruntime refusing a tensor, an fs call
 * nobody wrapped): it still gets one line, its name and message, and the way to the stack — WEBGEN_DEBUG=1, which
 * also adds the stack to the expected errors.
 */
import { WebgenSdkError } from '../../sdk/errors/webgen-sdk-error.js';
import { WebgenError } from '../errors/webgen-error.js';

/** The variable that turns on stack traces. */
export const DEBUG_ENV = 'WEBGEN_DEBUG';

/** Writes `err` for `program` ('webgen', 'webgen-train') to stderr; returns the exit code. `lead` goes first ('\n' after progress). */
export function reportError(program: string, err: unknown, lead = ''): number {
  const debug = !!process.env[DEBUG_ENV] && process.env[DEBUG_ENV] !== '0';
  const expected = err instanceof WebgenError || err instanceof WebgenSdkError;
  const message = err instanceof Error ? err.message : String(err);
  // onnxruntime's messages span lines; one line keeps `2>&1 | tail -1` and log greps meaningful
  const line = message.trim().replace(/\s*\n\s*/g, ' ');
  const text = expected ? line : `unexpected error: ${err instanceof Error ? `${err.name}: ` : ''}${line} (set ${DEBUG_ENV}=1 for the stack trace)`;
  process.stderr.write(`${lead}${program}: ${text}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return err instanceof WebgenError ? err.exitCode : 1;
}
