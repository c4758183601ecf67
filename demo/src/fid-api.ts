/**
 * The FID scorer the FID lab needs, looked up in the SDK's public browser exports at run time. sdk/fid has FidScorer
 * over an injected extractor, but the browser entry does not export it, and a page cannot open the classifier (the
 * extractor) through the public API. When the SDK offers this shape, the FID lab works unchanged:
 *
 *   const scorer = await createFidScorer({ extractor: '/models/mnist-classifier', reference: '/models/mnist-classifier/reference-stats.fidstats' });
 *   await scorer.addFake(images);                 // GeneratedImage[] (RGBA), any number of batches
 *   const { fid, kid } = await scorer.score();
 *   await scorer.dispose();
 */
import * as webgen from 'webgen';
import type { Backend, RgbaImage } from 'webgen';

export interface BrowserFidScorer {
  addFake(images: readonly RgbaImage[]): Promise<number>;
  score(): Promise<{ fid: number; kid?: number }>;
  dispose(): Promise<void>;
}

export type CreateFidScorer = (options: { extractor: string; reference: string; backend?: Backend }) => Promise<BrowserFidScorer>;

export function findCreateFidScorer(): CreateFidScorer | null {
  const f = (webgen as unknown as Record<string, unknown>)['createFidScorer'];
  return typeof f === 'function' ? (f as CreateFidScorer) : null;
}
