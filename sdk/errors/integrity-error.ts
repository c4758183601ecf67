import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * A model file's bytes do not hash to the sha256 its manifest declares: the download was corrupted or the file was
 * replaced. Nothing was run. The message names the file and both hashes.
 */
export class IntegrityError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'IntegrityError';
  constructor(
    /** The file as the manifest names it (`model.onnx`). */
    readonly file: string,
    /** The sha256 manifest.json declares. */
    readonly expected: string,
    /** The sha256 of the bytes received ('' when reading stopped early, see `declaredBytes`). */
    readonly actual: string,
    /** Set when more bytes arrived than the manifest's `bytes` (reading stopped there, nothing was hashed). */
    readonly declaredBytes?: number,
  ) {
    super(
      declaredBytes !== undefined
        ? `'${file}' is larger than the ${declaredBytes} bytes the manifest declares (reading stopped there): the file is corrupt or was replaced; re-download or re-export the model (clearCache() drops a bad cached copy)`
        : `'${file}' has sha256 ${actual} but the manifest declares ${expected}: the file is corrupt or was replaced; re-download or re-export the model (clearCache() drops a bad cached copy)`,
    );
  }
}
