/**
 * Validates an ONNX file with the reference checker of the `onnx` Python package
 * (onnx.checker.check_model with full_check=True, which also runs strict shape inference).
 * Uses Debian's /usr/bin/python3 with the python3-onnx package (`apt-get install python3-onnx`),
 * never a virtualenv, so the result does not depend on the caller's PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The interpreter used: Debian's, where apt installs python3-onnx. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** How to get the checker when it is missing. */
export const ONNX_CHECKER_INSTALL_HINT = 'install it with `apt-get install python3-onnx` (Debian/Ubuntu)';

// Exit code 3 means "onnx not importable"; the checker's own failure is exit code 1 with its message.
const SCRIPT = `
import sys
try:
    import onnx
except ImportError as e:
    print("onnx python package not importable: %s" % e)
    sys.exit(3)
try:
    # Check the loaded proto, not the path: onnx 1.12's check_model(path, full_check=True) writes the
    # shape-inferred model back over the file, which would break the manifest's sha256.
    onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
print("ok onnx " + onnx.__version__)
`;

/** Result of checkOnnxWithPython. */
export interface OnnxCheckResult {
  /** True when the checker accepted the file. False when it rejected it or could not run. */
  ok: boolean;
  /** Set when the check did not run (no python3 or no onnx package): the reason and how to fix it. */
  skipped?: string;
  /** The checker's message (its error when rejected, "ok onnx <version>" when accepted). */
  message?: string;
}

/** Options of checkOnnxWithPython. */
export interface OnnxCheckOptions {
  /** Python interpreter to run. Default SYSTEM_PYTHON (/usr/bin/python3). */
  python?: string;
}

/** Runs onnx.checker.check_model(path, full_check=True) in /usr/bin/python3 (synchronous, ~0.5 s). */
export function checkOnnxWithPython(path: string, opts: OnnxCheckOptions = {}): OnnxCheckResult {
  const python = opts.python ?? SYSTEM_PYTHON;
  if (!existsSync(python)) return { ok: false, skipped: `${python} not found; ${ONNX_CHECKER_INSTALL_HINT}` };
  const run = spawnSync(python, ['-c', SCRIPT, path], { encoding: 'utf8', timeout: 120_000 });
  const message = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (run.error) return { ok: false, skipped: `could not run ${python}: ${run.error.message}; ${ONNX_CHECKER_INSTALL_HINT}` };
  if (run.status === 3) return { ok: false, skipped: `${message}; ${ONNX_CHECKER_INSTALL_HINT}` };
  return { ok: run.status === 0, message };
}
