/**
 * A number as a person would type it on a command line: 1e9 rather than 1000000000, 1e-3 rather than 0.001, but
 * 300 and 0.995 as they are. Integers below a million stay plain (step counts read better as 20000 than 2e4).
 */
export function compactNumber(n: number): string {
  const plain = String(n);
  if (!Number.isFinite(n) || (Number.isInteger(n) && Math.abs(n) < 1e6)) return plain;
  const exp = n.toExponential().replace('e+', 'e').replace(/\.?0+e/, 'e');
  return exp.length < plain.length ? exp : plain;
}
