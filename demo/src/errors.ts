/** SDK errors (and anything else thrown) as sentences a visitor can act on. Matched by name: the SDK keeps names across its worker. */
export interface ReadableError {
  title: string;
  detail: string;
  /** 'info' for a cancel, 'error' otherwise. */
  kind: 'info' | 'error';
}

export function readableError(err: unknown): ReadableError {
  const e = err as { name?: string; message?: string } | null;
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(err);
  switch (name) {
    case 'AbortError':
      return { title: 'Cancelled', detail: 'The generation stopped between two steps.', kind: 'info' };
    case 'PromptTooLongError':
      return { title: 'The prompt is too long for this model', detail: message, kind: 'error' };
    case 'InvalidInputError':
      return { title: 'Check the settings', detail: message, kind: 'error' };
    case 'ManifestError':
      return { title: "The model's manifest is invalid", detail: message, kind: 'error' };
    case 'ModelLoadError':
      return { title: 'The model could not be loaded', detail: message, kind: 'error' };
    case 'IntegrityError':
      return { title: 'A model file is damaged', detail: `${message}. Reload the page; the file will be downloaded again.`, kind: 'error' };
    case 'BackendUnavailableError':
      return { title: 'This browser cannot run the model', detail: message, kind: 'error' };
    default:
      return { title: 'Something went wrong', detail: `${name}: ${message}`, kind: 'error' };
  }
}
