/**
 * The FID lab's scorer: the SDK's createFidScorer over a classifier model folder (default /models/mnist-classifier),
 * scoring generated digits against the reference statistics of real MNIST shipped beside it. The extractor and the
 * statistics run in the scorer's own SDK worker, on WebAssembly (the SDK's default for FID: the numbers then match
 * `webgen fid` and the Node SDK); the page only sends the generated images.
 */
import { createFidScorer, type ImageFidScorer } from 'webgen';
import { wasmThreads } from './config.js';

/** Where the reference statistics of a classifier folder are. */
export const referenceUrlOf = (classifier: string): string => `${classifier.replace(/\/+$/, '')}/reference-stats.fidstats`;

/** A scorer whose real side is the reference (the page keeps one and clears its generated side per setting). */
export function openLabScorer(classifier: string): Promise<ImageFidScorer> {
  return createFidScorer({ extractor: classifier, reference: referenceUrlOf(classifier), threads: wasmThreads() });
}

/** FID, and KID ± its spread over subsets when both sides kept features for it (the table shows it, the chart FID). */
export async function labScore(scorer: ImageFidScorer): Promise<{ fid: number; kid?: { value: number; std: number } }> {
  const { fid } = await scorer.fid();
  const kid = await scorer.kid({ subsets: 20 }).then(
    (r) => ({ value: r.kid, std: r.std }),
    () => undefined,
  );
  return { fid, kid };
}
