import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../trainer/export/onnx-graph.js';
import { assertParity, checkParity } from '../trainer/export/parity.js';
import { ParityError } from '../trainer/export/parity-error.js';
import { WebgenError } from '../trainer/errors/webgen-error.js';
import { denseRelu, randomNormal } from './fixtures/export-reference.js';

const w = randomNormal(12, 21);
const b = randomNormal(4, 22);
const x = randomNormal(6, 23);

/** relu(x @ w + b), x [2, 3] -> y [2, 4]; plus an int64 input to exercise non-float feeds. */
function model(): Uint8Array {
  const g = new OnnxGraph('parity');
  const input = g.addInput('x', 'float32', ['batch', 3]);
  const steps = g.addInput('steps', 'int64', ['batch']);
  const [mm] = g.node('MatMul', [input, g.addInitializer('w', w, [3, 4])]);
  const [add] = g.node('Add', [mm!, g.addInitializer('b', b, [4])]);
  g.aliasOutput(g.node('Relu', [add!])[0]!, 'y', 'float32', ['batch', 4]);
  g.aliasOutput(g.node('Cast', [steps], { to: { int: 1 } })[0]!, 'stepsFloat', 'float32', ['batch']);
  return g.toBytes();
}

const feeds = { x: { data: x, dims: [2, 3] }, steps: { data: new BigInt64Array([7n, 9n]), dims: [2] } };
const expectedY = denseRelu(x, w, b, 2, 3, 4);

describe('checkParity', () => {
  it('passes when onnxruntime reproduces the expected outputs', async () => {
    const result = await checkParity(model(), feeds, { y: { data: expectedY, dims: [2, 4] }, stepsFloat: { data: new Float32Array([7, 9]), dims: [2] } });
    expect(result.ok).toBe(true);
    expect(result.maxAbsError.y).toBeLessThan(1e-6);
    expect(result.maxAbsError.stepsFloat).toBe(0);
  });

  it('reports the max abs error of a perturbed expectation', async () => {
    const off = expectedY.slice();
    off[5] = off[5]! + 0.25;
    const result = await checkParity(model(), feeds, { y: { data: off, dims: [2, 4] } }, { tolerance: 1e-3 });
    expect(result.ok).toBe(false);
    expect(result.maxAbsError.y).toBeCloseTo(0.25, 5);
  });

  it('scales the tolerance with the output: 1e-4 of outputs up to 30 allows 3e-3, of outputs up to 1 only 1e-4', async () => {
    // stepsFloat = float(steps): feeding steps [30, 1] gives exactly [30, 1].
    const run = (steps: bigint[], expected: number[]) =>
      checkParity(model(), { x: feeds.x, steps: { data: new BigInt64Array(steps), dims: [2] } }, { stepsFloat: { data: new Float32Array(expected), dims: [2] } });
    expect((await run([30n, 1n], [30, 1 + 2.5e-3])).ok).toBe(true);
    const far = await run([30n, 1n], [30, 1 + 4e-3]);
    expect(far.ok).toBe(false);
    expect(far.problems[0]).toMatch(/max abs error 4\.0\d*e-3 \(allowed 3\.00e-3 for outputs up to 30\.0\)/);
    expect((await run([1n, 1n], [1, 1 + 2.5e-3])).ok).toBe(false);
  });

  it('flags a missing output and a shape mismatch as infinite error', async () => {
    const result = await checkParity(model(), feeds, { nope: { data: expectedY, dims: [2, 4] }, y: { data: expectedY, dims: [8] } });
    expect(result.ok).toBe(false);
    expect(result.maxAbsError).toEqual({ nope: Infinity, y: Infinity });
    expect(result.problems.join(' ')).toMatch(/'nope' is missing.*shape \[2, 4\], expected \[8\]/);
  });
});

describe('assertParity', () => {
  it('returns the figures when within tolerance', async () => {
    await expect(assertParity(model(), feeds, { y: { data: expectedY, dims: [2, 4] } })).resolves.toMatchObject({ ok: true });
  });

  it('throws a ParityError (a WebgenError) quoting the error and the tolerance', async () => {
    const off = expectedY.map((v) => v + 0.01);
    const err = await assertParity(model(), feeds, { y: { data: off, dims: [2, 4] } }, { tolerance: 1e-4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParityError);
    expect(err).toBeInstanceOf(WebgenError);
    expect((err as ParityError).message).toMatch(/tolerance 0\.0001.*'y' max abs error 1\.0\d*e-2/);
    expect((err as ParityError).maxAbsError.y).toBeCloseTo(0.01, 5);
  });
});
