/**
 * The PyTorch peer of the bench (issue 22): bench/unet_peer.py, the same U-Net rebuilt layer for layer in PyTorch,
 * timed on the same batch with the same loss and optimiser, so `npm run bench` reports webgen / PyTorch in one run.
 * It needs Debian's python3-torch; the bench installs nothing and says when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UNetConfig } from '../trainer/models/unet-config.js';

const SCRIPT = fileURLToPath(new URL('./unet_peer.py', import.meta.url));

export type PeerResult =
  | { ok: true; parameters: number; stepSeconds?: number; forwardSecondsPerImage?: number; threads?: number; torch?: string }
  | { ok: false; why: string };

/**
 * Runs the peer on `config` (`countOnly`: just build it and count parameters). `python` defaults to $WEBGEN_PYTHON,
 * else Debian's /usr/bin/python3 (the python that has python3-torch), else python3 on the PATH.
 */
export function runTorchPeer(config: UNetConfig, opts: { batch?: number; threads?: number; reps?: number; countOnly?: boolean; python?: string } = {}): PeerResult {
  const python = opts.python ?? process.env.WEBGEN_PYTHON ?? '/usr/bin/python3';
  const args = [SCRIPT, JSON.stringify(config), '--batch', String(opts.batch ?? 32), '--threads', String(opts.threads ?? 2), '--reps', String(opts.reps ?? 3), ...(opts.countOnly ? ['--count-only'] : [])];
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error) return { ok: false, why: `${python} cannot run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); the peer needs Python 3 with PyTorch (Debian: apt-get install python3-torch)` };
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`;
    const missing = /No module named 'torch'/.test(r.stderr);
    return { ok: false, why: missing ? `${python} has no PyTorch; install Debian's python3-torch (apt-get install python3-torch) to time the peer` : `the peer failed: ${last}` };
  }
  try {
    return { ok: true, ...JSON.parse(r.stdout.trim().split('\n').at(-1)!) };
  } catch {
    return { ok: false, why: `the peer printed no result: ${r.stdout.slice(0, 200)}` };
  }
}
