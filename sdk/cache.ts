import { MODEL_CACHE_NAME } from './loader/fetch-model.js';

/**
 * Deletes every model file the SDK stored in the Cache API (all models, all versions). Resolves to true when there
 * was a cache to delete. Generators already loaded keep working; the next createGenerator downloads again.
 */
export async function clearCache(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(MODEL_CACHE_NAME);
}
