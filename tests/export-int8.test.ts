// Weight-only int8 (trainer/export/quantize-int8.ts; docs/inference-graph.md): the per-channel quantiser, the graph it
// writes (onnx.checker, parity against float32 in onnxruntime-node, a quarter of the bytes), the export's
// files.unet.variants.int8 and `reexport --int8`, and the SDK's precision 'int8' picking that file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerator, type ProgressEvent } from '../sdk/node.js';
import { INT8_PARITY_TOLERANCE } from '../trainer/export/export-model.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { checkOnnxWithPython } from '../trainer/export/onnx-check.js';
import { TensorDataType } from '../trainer/export/onnx-codec.js';
import { readOnnxModel } from '../trainer/export/onnx-proto.js';
import { quantizePerChannel, quantizeWeightsInt8 } from '../trainer/export/quantize-int8.js';
import { reexportModel } from '../trainer/export/reexport.js';
import { maxAbsDiff } from '../scripts/e2e/compare.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { runCli } from './helpers/run-cli.js';
import { classFixtureOutput } from './helpers/class-fixture-output.js';

const scratch = mkdtempSync(join(tmpdir(), 'webgen-int8-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const output = classFixtureOutput;

describe('quantizePerChannel', () => {
  it('one scale per output channel (max |w| / 127); every weight within half a step of its value', () => {
    // [2 channels, 3] with very different ranges: a per-tensor scale would flatten channel 1 to zeros
    const w = Float32Array.of(1, -0.5, 0.25, 0.001, -0.002, 0.0005);
    const { q, scale } = quantizePerChannel(w, [2, 3], 0);
    expect([...scale].map((s) => s * 127)).toEqual([expect.closeTo(1, 6), expect.closeTo(0.002, 6)]);
    expect([...q]).toEqual([127, -64, 32, 64, -127, 32]);
    w.forEach((v, i) => expect(Math.abs(q[i]! * scale[Math.floor(i / 3)]! - v)).toBeLessThanOrEqual(scale[Math.floor(i / 3)]! / 2 + 1e-9));
    // axis 1 ([K, N] MatMul weights): channels are columns
    expect(quantizePerChannel(Float32Array.of(1, 0.01, -1, 0.02), [2, 2], 1).scale.map((s) => s * 127)).toEqual(Float32Array.of(1, 0.02));
  });
});

describe('quantizeWeightsInt8 on an exported U-Net', () => {
  it("stores every large Conv / MatMul weight as int8 behind Cast · scale: a valid graph, ~27% of the bytes, within the int8 tolerance of float32", async () => {
    const dir = await fixtureModel('class');
    const float32 = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
    const q = quantizeWeightsInt8(float32);
    const graph = readOnnxModel(q.bytes).graph!;
    const int8 = graph.initializer!.filter((t) => t.data_type === TensorDataType.INT8);
    expect(int8.length).toBe(q.tensors);
    expect(q.tensors).toBeGreaterThan(10);
    // no float32 Conv/MatMul weight of >= 1024 elements is left
    const floats = new Map(graph.initializer!.filter((t) => t.data_type === TensorDataType.FLOAT).map((t) => [t.name!, (t.dims ?? []).reduce((a, b) => a * Number(b), 1)]));
    for (const n of graph.node!.filter((n) => n.op_type === 'Conv' || n.op_type === 'MatMul')) expect(floats.get(n.input![1]!) ?? 0).toBeLessThan(1024);
    expect(q.bytes.byteLength / float32.byteLength).toBeLessThan(0.35);
    const path = join(scratch, 'int8.onnx');
    writeFileSync(path, q.bytes);
    const check = checkOnnxWithPython(path);
    expect(check.ok || check.skipped !== undefined, check.message).toBe(true);
    const diff = maxAbsDiff(await output(q.bytes), await output(float32));
    console.log(`int8 weights (class fixture): ${q.bytes.byteLength} of ${float32.byteLength} B, model_output max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(INT8_PARITY_TOLERANCE);
  }, 120_000);

  it("the 'dequantize-linear' form (QDQ) writes the same weights as DequantizeLinear nodes, also within the tolerance", async () => {
    const float32 = new Uint8Array(readFileSync(join(await fixtureModel('class'), 'model.onnx')));
    const dq = quantizeWeightsInt8(float32, { form: 'dequantize-linear' });
    expect(readOnnxModel(dq.bytes).graph!.node!.filter((n) => n.op_type === 'DequantizeLinear').length).toBe(dq.tensors);
    // not bit-equal to the 'cast' form: onnxruntime runs DequantizeLinear → MatMul as its 8-bit MatMulNBits kernel
    expect(maxAbsDiff(await output(dq.bytes), await output(float32))).toBeLessThanOrEqual(INT8_PARITY_TOLERANCE);
  }, 120_000);

  it('a file with nothing to quantize (float16 weights) is refused with the reason', async () => {
    const half = new Uint8Array(readFileSync(join(await fixtureModel('fp16'), 'model.fp16.onnx')));
    expect(() => quantizeWeightsInt8(half)).toThrow(/no float32 Conv or MatMul weight .* quantize the float32 one/);
  }, 240_000);
});

describe('export with --int8 (files.unet.variants.int8), run by the Node SDK', () => {
  it('writes model.int8.onnx beside model.onnx with its parity; precision int8 loads only it and samples close to float32', async () => {
    const dir = await fixtureModel('int8');
    const m = await verifyModelFolder(dir); // every file's sha256
    const unet = m.files.unet!;
    expect(unet.variants?.int8?.path).toBe('model.int8.onnx');
    expect(unet.variants!.int8!.bytes / unet.bytes).toBeLessThan(0.35);
    expect(m.parity.int8MaxAbsError).toBeGreaterThan(0);
    expect(m.parity.int8MaxAbsError).toBeLessThanOrEqual(INT8_PARITY_TOLERANCE);
    const events: ProgressEvent[] = [];
    const int8 = await createGenerator({ model: dir, precision: 'int8', threads: 1, onProgress: (e) => events.push(e) });
    const full = await createGenerator({ model: dir, threads: 1 });
    try {
      expect([int8.precision, full.precision]).toEqual(['int8', 'float32']);
      expect(events.filter((e) => e.status === 'download').map((e) => (e as { file: string }).file)).toEqual(['model.int8.onnx']);
      const opts = { batch: 2, classLabel: [3, 7], seed: 42, steps: 10 };
      const [a, b] = await Promise.all([int8.sample(opts), full.sample(opts)]);
      const max = Math.max(...[0, 1].map((i) => maxAbsDiff(a[i]!.data, b[i]!.data)));
      console.log(`int8 vs fp32 (Node, 10 DDIM steps, guided): max ${max} levels`);
      expect(max).toBeLessThanOrEqual(16);
    } finally {
      await Promise.all([int8.dispose(), full.dispose()]);
    }
  }, 240_000);

  it("precision 'int8' on a model without an int8 variant is an InvalidInputError naming 'precision' and the flag", async () => {
    await expect(createGenerator({ model: await fixtureModel('class'), precision: 'int8' })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'precision', message: expect.stringMatching(/no int8 weights .*--int8/) });
  });

  it('reexport --int8 adds the variant to a shipped folder, proven against its own float32 file', async () => {
    const dir = join(scratch, 'reexport');
    cpSync(await fixtureModel('class'), dir, { recursive: true });
    const r = await reexportModel(dir, { int8: true });
    expect(r.maxAbsError).toBeLessThanOrEqual(INT8_PARITY_TOLERANCE);
    const m = await verifyModelFolder(dir);
    expect([m.files.unet!.variants?.int8?.path, m.parity.int8MaxAbsError]).toEqual(['model.int8.onnx', r.maxAbsError]);
  }, 120_000);

  it('the CLI names a bad flag, and --int8 on a model without a U-Net', async () => {
    const bad = await runCli(['reexport', '--model', 'models/mnist-ddim', '--int9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--int9/);
    const classifier = join(scratch, 'classifier');
    cpSync('models/mnist-classifier', classifier, { recursive: true });
    const r = await runCli(['reexport', '--model', classifier, '--int8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--int8: model 'mnist-classifier' \(classifier\) has no float32 U-Net/);
  }, 60_000);
});
