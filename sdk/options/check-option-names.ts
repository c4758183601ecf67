/**
 * Unknown option names are an error at every public edge (creation functions and calls alike, browser and Node): a
 * typo like `thread` for `threads` must not be silently ignored. The message suggests the nearest accepted name.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';

/**
 * Throws an InvalidInputError for the first key of `options` (with a defined value) that `allowed` lacks. `callee`
 * names the function in the message (`createGenerator()`); `elsewhere` explains names that belong to another function
 * (`signal` → "is an option of each call, not of createGenerator()").
 */
export function checkOptionNames(options: object, allowed: readonly string[], callee: string, elsewhere: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined || allowed.includes(key)) continue;
    const near = nearestName(key, allowed);
    const where = Object.hasOwn(elsewhere, key) ? `; ${elsewhere[key]}` : '';
    throw new InvalidInputError(key, `is not an option of ${callee}${near ? ` (did you mean '${near}'?)` : ''}${where}; it accepts ${allowed.join(', ')}`);
  }
}

/** The accepted name closest to `key`: the same ignoring case, a prefix of 4+ letters, or a few edits (1 for short names, 2 from 6 letters). */
export function nearestName(key: string, allowed: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of allowed) {
    const n = name.toLowerCase();
    const d = n === k ? 0 : k.length >= 4 && (n.startsWith(k) || k.startsWith(n)) ? 1 : editDistance(k, n);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.min(2, Math.max(1, Math.floor(key.length / 3))) ? best : undefined;
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
