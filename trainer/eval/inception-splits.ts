/**
 * How many splits the evals' Inception Score uses for `count` images: the seeds' 10, but each split needs ~100 images
 * to estimate p(y), so one per 100 images, at least 1 and at most 10.
 */
export function inceptionSplits(count: number): number {
  return Math.max(1, Math.min(10, Math.floor(count / 100)));
}
