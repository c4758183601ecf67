import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../trainer/bin/webgen-train.js', import.meta.url));
/** The `webgen` command (sampling, FID, explain). */
export const WEBGEN_CLI = fileURLToPath(new URL('../../trainer/bin/webgen.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `webgen-train args…` (or another of the bins, `bin`) in the repository root. */
export function startCli(args: string[], bin = CLI): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: REPO_ROOT, env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[]): Promise<CliResult> {
  return startCli(args).done;
}

/** Runs `webgen args…`. */
export function runWebgen(args: string[]): Promise<CliResult> {
  return startCli(args, WEBGEN_CLI).done;
}
