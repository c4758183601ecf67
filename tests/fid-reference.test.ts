/**
 * FID and KID against the reference implementation: tests/fixtures/fid/make_reference.py computes them
 * with pytorch-fid's formula (scipy.linalg.sqrtm) and clean-fid's KID on the fixture features; the
 * numbers it committed in reference.json must be met with relative error ≤ 1e-6 (FID).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frechetDistance, traceSqrtProduct } from '../sdk/fid/frechet.js';
import { kernelDistance, kernelDistanceOnSubsets } from '../sdk/fid/kid.js';
import { parseNpy } from '../sdk/fid/npy.js';
import { plainFeatureStats, plainFrechetDistance } from '../sdk/fid/plain.js';
import { featureStats } from '../sdk/fid/stats.js';
import { syntheticFeatures } from '../scripts/fixtures/fid-synthetic.js';

const dir = new URL('./fixtures/fid/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8'));
const npy = (name: string) => parseNpy(readFileSync(new URL(`${name}.npy`, dir)), name);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('FID matches pytorch-fid (scipy sqrtm) on the fixtures', () => {
  for (const name of ['small', 'rankdef', 'equal']) {
    it(`${name}: FID within 1e-6, moments within 1e-12`, async () => {
      const c = ref.cases[name];
      const a = npy(`${name}-a`);
      const b = npy(`${name}-b`);
      const sa = await featureStats(a.data, a.shape[1]);
      const sb = await featureStats(b.data, b.shape[1]);
      expect([sa.count, sb.count]).toEqual(c.n);
      expect(rel(sa.mean[0]!, c.meanFirst[0])).toBeLessThan(1e-12);
      expect(rel(sb.cov[0]!, c.covFirst[2])).toBeLessThan(1e-12);
      expect(rel(sa.cov[sa.dim]!, c.covFirst[1])).toBeLessThan(1e-12);
      const r = await frechetDistance(sa, sb);
      expect(rel(r.fid, c.fid)).toBeLessThan(1e-6);
      expect(rel(r.traceSqrtProduct, c.traceSqrtProduct)).toBeLessThan(1e-6);
      expect(r.offset).toBe(0);
      // the plain TypeScript implementation agrees too
      expect(rel(plainFrechetDistance(plainFeatureStats(a.data, a.shape[1]), plainFeatureStats(b.data, b.shape[1])), c.fid)).toBeLessThan(1e-6);
    });
  }

  it('rank-deficient covariances (50 and 60 samples of 64 features) are reported as singular', async () => {
    const c = ref.cases.rankdef;
    const sa = await featureStats(npy('rankdef-a').data, 64);
    const sb = await featureStats(npy('rankdef-b').data, 64);
    const r = await frechetDistance(sa, sb);
    expect(r.singular).toBe(true);
    expect(r.factored).toBe('a'); // the one from fewer samples
    expect(r.rank).toBe(c.rank[0]);
    expect(r.note).toMatch(/singular \(rank 49 of 64: 50 samples for 64 dimensions\)/);
    // the ε·I fallback computes Tr((Σ1 + εI)(Σ2 + εI))^½ as pytorch-fid's does
    const eps = await traceSqrtProduct(sa.cov, sb.cov, 64, 1e-6);
    expect(rel(eps.value, c.traceSqrtProductWithEps)).toBeLessThan(1e-6);
    expect(eps.rank).toBe(64);
  });

  it('the d = 2048 generator matches python bit for bit', () => {
    for (const [key, s] of Object.entries(ref.synthetic) as [string, { args: [number, number, number, number, number]; sha256: string }][]) {
      const x = syntheticFeatures(...s.args);
      expect(createHash('sha256').update(new Uint8Array(x.buffer)).digest('hex'), key).toBe(s.sha256);
    }
  });

  it('d = 2048: full rank (2500 vs 3000 samples) and singular (1000 vs 3000) within 1e-6', async () => {
    const [a, b, c] = (['a', 'b', 'c'] as const).map((k) => syntheticFeatures(...(ref.synthetic[k].args as [number, number, number, number, number])));
    const sa = await featureStats(a!, 2048);
    const sb = await featureStats(b!, 2048);
    const sc = await featureStats(c!, 2048);
    const full = await frechetDistance(sa, sb);
    expect(rel(full.fid, ref.cases.d2048.fid)).toBeLessThan(1e-6);
    expect(full.rank).toBe(2048);
    expect(full.singular).toBe(false);
    const sing = await frechetDistance(sc, sb);
    expect(rel(sing.fid, ref.cases['d2048-singular'].fid)).toBeLessThan(1e-6);
    expect(sing.rank).toBe(ref.cases['d2048-singular'].rank[0]);
    expect(sing.singular).toBe(true);
  });
});

describe('KID matches clean-fid', () => {
  it('on the subsets python drew (indices recorded in reference.json)', async () => {
    const k = ref.cases.small.kidSubsets;
    const a = npy('small-a').data;
    const b = npy('small-b').data;
    const draws = k.a.map((ia: number[], s: number) => ({ a: ia, b: k.b[s] }));
    const r = await kernelDistanceOnSubsets(a, b, 16, draws);
    for (let s = 0; s < draws.length; s++) expect(rel(r.values[s]!, k.values[s])).toBeLessThan(1e-9);
    expect(rel(r.kid, k.kid)).toBeLessThan(1e-9);
    expect(rel(r.std, k.std)).toBeLessThan(1e-6);
    expect(r.subsetSize).toBe(120);
  });

  it('random subsets of two equal-size sets are permutations: every draw gives the full-set value', async () => {
    const r = await kernelDistance(npy('equal-a').data, npy('equal-b').data, 32, { subsets: 4, seed: 3 });
    expect(r.subsetSize).toBe(150);
    for (const v of r.values) expect(rel(v, ref.cases.equal.kidFull)).toBeLessThan(1e-9);
    expect(r.std).toBeLessThan(1e-9 * Math.abs(r.kid));
  });
});
