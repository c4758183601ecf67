// Static QDQ int8 convolutions (trainer/export/quantize-qdq.ts, calibration qdq-calibration.ts; docs/inference-graph.md):
// the rewritten graph (every Conv between DequantizeLinear inputs, onnx.checker, parity within
// INT8_QDQ_PARITY_TOLERANCE, fused into QLinearConv by onnxruntime), `reexport --int8-qdq` writing
// files.unet.variants['int8-qdq'], the SDK's precision 'int8-qdq' loading only that file, and the refusals.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerator, type ProgressEvent } from '../sdk/node.js';
import { INT8_QDQ_PARITY_TOLERANCE } from '../trainer/export/export-model.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { checkOnnxWithPython } from '../trainer/export/onnx-check.js';
import { readOnnxModel } from '../trainer/export/onnx-proto.js';
import { ddimCalibrationFeeds } from '../trainer/export/qdq-calibration.js';
import { quantizeConvQdq } from '../trainer/export/quantize-qdq.js';
import { reexportModel } from '../trainer/export/reexport.js';
import { maxAbsDiff } from '../scripts/e2e/compare.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { runCli } from './helpers/run-cli.js';
import { classFixtureOutput } from './helpers/class-fixture-output.js';

const scratch = mkdtempSync(join(tmpdir(), 'webgen-qdq-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const output = classFixtureOutput;

describe('quantizeConvQdq on an exported U-Net, calibrated by its own DDIM runs', () => {
  it('puts every Conv between DequantizeLinear inputs; a valid graph that onnxruntime runs as QLinearConv, within the QDQ tolerance of float32', async () => {
    const dir = await fixtureModel('class');
    const manifest = await verifyModelFolder(dir);
    const float32 = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
    const feeds = await ddimCalibrationFeeds(float32, manifest.files.unet!.inputs, manifest, { runs: 2, steps: 4 });
    expect(feeds.length).toBe(2 * 4);
    expect(feeds[0]!.class_labels!.data).toEqual(BigInt64Array.of(0n, BigInt(manifest.conditioning!.nullClass!)));
    const q = await quantizeConvQdq(float32, feeds);
    const nodes = readOnnxModel(q.bytes).graph!.node!;
    const convs = nodes.filter((n) => n.op_type === 'Conv');
    expect(convs.length).toBe(q.convs);
    expect(q.convs).toBeGreaterThan(5);
    const producer = new Map(nodes.flatMap((n) => n.output!.map((o) => [o, n.op_type])));
    for (const c of convs) expect(c.input!.map((v) => producer.get(v))).toEqual(c.input!.map(() => 'DequantizeLinear'));
    const path = join(scratch, 'qdq.onnx');
    writeFileSync(path, q.bytes);
    const check = checkOnnxWithPython(path);
    expect(check.ok || check.skipped !== undefined, check.message).toBe(true);
    // onnxruntime's own view of the graph after its optimisations: the convolutions are QLinearConv
    const optimized = join(scratch, 'qdq.optimized.onnx');
    await (await ort.InferenceSession.create(q.bytes, { optimizedModelFilePath: optimized, graphOptimizationLevel: 'all' })).release();
    const ops = readOnnxModel(new Uint8Array(readFileSync(optimized))).graph!.node!.map((n) => n.op_type);
    expect(ops.filter((o) => o === 'QLinearConv').length).toBe(q.convs);
    const diff = maxAbsDiff(await output(q.bytes), await output(float32));
    console.log(`int8 QDQ convs (class fixture): ${q.convs} convs, ${q.bytes.byteLength} of ${float32.byteLength} B, model_output max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(INT8_QDQ_PARITY_TOLERANCE);
  }, 120_000);
});

describe("reexport --int8-qdq (files.unet.variants['int8-qdq']), run by the Node SDK", () => {
  it("writes model.qdq.onnx with its parity; precision 'int8-qdq' loads only it, 'auto' never does", async () => {
    const dir = join(scratch, 'reexport');
    cpSync(await fixtureModel('class'), dir, { recursive: true });
    const r = await reexportModel(dir, { int8Qdq: true });
    expect(r.maxAbsError).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThanOrEqual(INT8_QDQ_PARITY_TOLERANCE);
    const m = await verifyModelFolder(dir); // every file's sha256, the variant's included
    expect([m.files.unet!.variants?.['int8-qdq']?.path, m.parity.int8QdqMaxAbsError]).toEqual(['model.qdq.onnx', r.maxAbsError]);
    const events: ProgressEvent[] = [];
    const qdq = await createGenerator({ model: dir, precision: 'int8-qdq', threads: 1, onProgress: (e) => events.push(e) });
    const full = await createGenerator({ model: dir, threads: 1 });
    try {
      expect([qdq.precision, full.precision]).toEqual(['int8-qdq', 'float32']);
      expect(events.filter((e) => e.status === 'download').map((e) => (e as { file: string }).file)).toEqual(['model.qdq.onnx']);
      const opts = { batch: 2, classLabel: [3, 7], seed: 42, steps: 10 };
      const [a, b] = await Promise.all([qdq.sample(opts), full.sample(opts)]);
      const max = Math.max(...[0, 1].map((i) => maxAbsDiff(a[i]!.data, b[i]!.data)));
      console.log(`int8 QDQ vs fp32 (Node, 10 DDIM steps, guided, class fixture): max ${max} levels; parity ${r.maxAbsError.toExponential(2)}`);
      expect(max).toBeLessThanOrEqual(32);
    } finally {
      await Promise.all([qdq.dispose(), full.dispose()]);
    }
  }, 240_000);

  it("precision 'int8-qdq' on a model without the variant is an InvalidInputError naming 'precision' and the flag", async () => {
    await expect(createGenerator({ model: await fixtureModel('class'), precision: 'int8-qdq' })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'precision', message: expect.stringMatching(/no int8 QDQ convolutions .*--int8-qdq/) });
  });

  it('the CLI names --int8-qdq on a model without a U-Net, and refuses it together with --int8', async () => {
    const classifier = join(scratch, 'classifier');
    cpSync('models/mnist-classifier', classifier, { recursive: true });
    const r = await runCli(['reexport', '--model', classifier, '--int8-qdq']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--int8-qdq: model 'mnist-classifier' \(classifier\) has no float32 U-Net/);
    await expect(reexportModel(classifier, { int8: true, int8Qdq: true })).rejects.toThrow(/--int8 and --int8-qdq: give one per run/);
  }, 60_000);
});
