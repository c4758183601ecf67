import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OnnxGraph, ONNX_IR_VERSION } from '../trainer/export/onnx-graph.js';
import { readOnnxModel, tensorValues } from '../trainer/export/onnx-proto.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../trainer/export/float16.js';
import { WebgenError } from '../trainer/errors/webgen-error.js';
import { conv2d, denseRelu, maxAbsDiff, randomNormal } from './fixtures/export-reference.js';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** relu(x @ w + b) with x [batch, 5], output named 'y'. */
function denseGraph(w: Float32Array, b: Float32Array): OnnxGraph {
  const g = new OnnxGraph('dense');
  const x = g.addInput('x', 'float32', ['batch', 5]);
  const wName = g.addInitializer('fc.weight', w, [5, 4]);
  const bName = g.addInitializer('fc.bias', b, [4]);
  const [mm] = g.node('MatMul', [x, wName], {}, { name: 'fc' });
  const [add] = g.node('Add', [mm!, bName], {}, { name: 'fc' });
  const [relu] = g.node('Relu', [add!], {}, { name: 'fc.act' });
  g.aliasOutput(relu!, 'y', 'float32', ['batch', 4]);
  return g;
}

/** conv(3->16, 3x3, pad 1) -> relu -> conv(16->3, 3x3, pad 1) on x [1, 3, 8, 8]. */
function convStack(w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array): OnnxGraph {
  const g = new OnnxGraph('convs');
  const x = g.addInput('x', 'float32', ['batch', 3, 8, 8]);
  const conv = (input: string, w: Float32Array, b: Float32Array, dims: number[], name: string): string =>
    g.node('Conv', [input, g.addInitializer(`${name}.weight`, w, dims), g.addInitializer(`${name}.bias`, b, [dims[0]!])], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }, { name })[0]!;
  const h = g.node('Relu', [conv(x, w1, b1, [16, 3, 3, 3], 'conv1')])[0]!;
  g.aliasOutput(conv(h, w2, b2, [3, 16, 3, 3], 'conv2'), 'y', 'float32', ['batch', 3, 8, 8]);
  return g;
}

describe('OnnxGraph', () => {
  it('names values uniquely from a prefix', () => {
    const g = new OnnxGraph('names');
    expect(g.uniqueName('down.0.conv')).toBe('down.0.conv');
    expect(g.uniqueName('down.0.conv')).toBe('down.0.conv_1');
    expect(g.uniqueName('down.0.conv')).toBe('down.0.conv_2');
    expect(g.addInitializer('down.0.conv', new Float32Array(2), [2])).toBe('down.0.conv_3');
    expect(g.node('Relu', ['down.0.conv'], {}, { outputs: 2, name: 'r' })).toEqual(['r.0', 'r.1']);
  });

  it('MatMul + Add + Relu runs in onnxruntime and equals the JS computation', async () => {
    const w = randomNormal(20, 1);
    const b = randomNormal(4, 2);
    const x = randomNormal(15, 3);
    const bytes = denseGraph(w, b).toBytes();
    const out = await run(bytes, { x: new ort.Tensor('float32', x, [3, 5]) });
    expect(out.y!.dims).toEqual([3, 4]);
    const want = denseRelu(x, w, b, 3, 5, 4);
    expect(want.some((v) => v > 0) && want.some((v) => v === 0)).toBe(true); // relu is exercised
    expect(maxAbsDiff(out.y!.data as Float32Array, want)).toBeLessThan(1e-5);
  });

  it('Conv with attributes equals the JS convolution', async () => {
    const [w1, b1, w2, b2] = [randomNormal(432, 4, 0.27), randomNormal(16, 5, 0.1), randomNormal(432, 6, 0.12), randomNormal(3, 7, 0.1)];
    const x = randomNormal(192, 8);
    const out = await run(convStack(w1, b1, w2, b2).toBytes(), { x: new ort.Tensor('float32', x, [1, 3, 8, 8]) });
    const h = conv2d(x, [1, 3, 8, 8], w1, [16, 3, 3, 3], b1, 1);
    const hRelu = h.data.map((v) => Math.max(0, v));
    const want = conv2d(hRelu, h.dims, w2, [3, 16, 3, 3], b2, 1);
    expect(out.y!.dims).toEqual(want.dims);
    expect(maxAbsDiff(out.y!.data as Float32Array, want.data)).toBeLessThan(1e-4);
  });

  it('decodes back to the same graph: versions, names, attributes, weights, metadata', () => {
    const w = randomNormal(432, 4);
    const g = convStack(w, new Float32Array(16), randomNormal(432, 5), new Float32Array(3));
    g.constInt64([1, -1], 'flat.shape');
    const model = readOnnxModel(g.toBytes({ opset: 17, docString: 'test model', metadata: { webgen: 'yes' } }));
    expect(model.ir_version).toBe(ONNX_IR_VERSION);
    expect(model.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(model.producer_name).toBe('webgen');
    expect(model.doc_string).toBe('test model');
    expect(model.metadata_props).toEqual([{ key: 'webgen', value: 'yes' }]);
    const graph = model.graph!;
    expect(graph.node!.map((n) => n.op_type)).toEqual(['Conv', 'Relu', 'Conv', 'Identity']);
    expect(graph.input![0]!.type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }, { dim_value: 8 }, { dim_value: 8 }]);
    const conv = graph.node![0]!;
    expect(conv.attribute!.find((a) => a.name === 'pads')!.ints).toEqual([1, 1, 1, 1]);
    const weight = graph.initializer!.find((t) => t.name === 'conv1.weight')!;
    expect(weight.dims).toEqual([16, 3, 3, 3]);
    expect(Array.from(tensorValues(weight) as Float32Array)).toEqual(Array.from(w));
    const shape = graph.initializer!.find((t) => t.name === 'flat.shape')!;
    expect(Array.from(tensorValues(shape) as BigInt64Array)).toEqual([1n, -1n]);
  });

  it('refuses a node that reads an undefined value, naming it', () => {
    const g = new OnnxGraph('broken');
    g.addInput('x', 'float32', [2]);
    const [y] = g.node('Add', ['x', 'missing.bias'], {}, { name: 'add' });
    g.addOutput(y!, 'float32', [2]);
    expect(() => g.toBytes()).toThrow(WebgenError);
    expect(() => g.toBytes()).toThrow(/missing\.bias/);
  });

  it('refuses initializer data that does not match its dims', () => {
    expect(() => new OnnxGraph('g').addInitializer('w', new Float32Array(5), [2, 3])).toThrow(/dims \[2, 3\] hold 6 elements but data has 5/);
  });
});

describe('float16 weights', () => {
  it('rounds float32 to float16 to nearest even, with subnormals and overflow', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even mantissa
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even mantissa (up)
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
    for (const v of randomNormal(1000, 9, 10)) {
      const back = float16BitsToFloat32(float32ToFloat16Bits(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });

  it('weightsFp16 makes a weight-dominated file about half the size', () => {
    const g = new OnnxGraph('wide');
    const x = g.addInput('x', 'float32', ['batch', 128]);
    const [y] = g.node('MatMul', [x, g.addInitializer('w', randomNormal(128 * 128, 13), [128, 128])]);
    g.addOutput(y!, 'float32', ['batch', 128]);
    const ratio = g.toBytes({ weightsFp16: true }).byteLength / g.toBytes().byteLength;
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it('weightsFp16 stays within the documented bound (1e-2) of float32', async () => {
    // He-initialised weights: std sqrt(2 / fan_in).
    const [w1, b1, w2, b2] = [randomNormal(432, 14, Math.sqrt(2 / 27)), randomNormal(16, 15, 0.1), randomNormal(432, 16, Math.sqrt(2 / 144)), randomNormal(3, 17, 0.1)];
    const g = convStack(w1, b1, w2, b2);
    const full = g.toBytes();
    const half = g.toBytes({ weightsFp16: true });
    const decoded = readOnnxModel(half).graph!;
    expect(decoded.initializer!.every((t) => t.data_type === 10)).toBe(true);
    expect(decoded.node!.filter((n) => n.op_type === 'Cast')).toHaveLength(4);

    const x = randomNormal(2 * 192, 18);
    const feeds = { x: new ort.Tensor('float32', x, [2, 3, 8, 8]) };
    const a = (await run(full, feeds)).y!.data as Float32Array;
    const b = (await run(half, feeds)).y!.data as Float32Array;
    const err = maxAbsDiff(a, b);
    console.log(`fp16 weights: max abs error ${err.toExponential(2)}, max |y| ${maxAbsDiff(a, new Float32Array(a.length)).toFixed(2)}`);
    expect(err).toBeGreaterThan(0); // the weights really were rounded
    expect(err).toBeLessThan(1e-2);
  });

  it('keeps constFloat constants in float32 under weightsFp16', () => {
    const g = new OnnxGraph('eps');
    const x = g.addInput('x', 'float32', [1]);
    const eps = g.constFloat([1e-6], [1], 'eps');
    g.addOutput(g.node('Add', [x, eps])[0]!, 'float32', [1]);
    const init = readOnnxModel(g.toBytes({ weightsFp16: true })).graph!.initializer!;
    expect(init).toHaveLength(1);
    expect(init[0]!.data_type).toBe(1);
    expect(tensorValues(init[0]!)[0]).toBeCloseTo(1e-6, 12);
  });
});
