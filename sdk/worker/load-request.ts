/** The worker's load request (protocol.ts LoadRequest) from checked creation options, for every browser client. */
import { resolveAssetsUrl } from '../loader/assets-url.js';
import { manifestUrlOf } from '../loader/model-url.js';
import type { GeneratorOptions } from '../types.js';
import { pageUrl } from './connection.js';
import type { LoadRequest } from './protocol.js';

/** The load request of checked creation options: URLs resolved against the page (the worker's base URL differs). */
export function loadRequest(options: GeneratorOptions): LoadRequest {
  const manifestUrl = manifestUrlOf(options.model, pageUrl()).href;
  const assetsUrl = resolveAssetsUrl(options.assetsUrl, pageUrl());
  return {
    manifestUrl, backend: options.backend ?? 'auto', threads: options.threads, cache: options.cache ?? true, precision: options.precision ?? 'auto',
    ...(assetsUrl && { assetsUrl }), ...(options.manifest !== undefined && { manifest: options.manifest }),
  };
}

