import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraph } from '../trainer/export/onnx-graph.js';
import { encodeOnnxModel } from '../trainer/export/onnx-proto.js';
import { checkOnnxWithPython, ONNX_CHECKER_INSTALL_HINT } from '../trainer/export/onnx-check.js';

const dir = mkdtempSync(join(tmpdir(), 'webgen-onnx-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the checker; a missing python3-onnx fails the test with the install command. */
function check(path: string): { ok: boolean; message?: string } {
  const result = checkOnnxWithPython(path);
  if (result.skipped) throw new Error(`onnx.checker unavailable: ${result.skipped}. The export tests need it: ${ONNX_CHECKER_INSTALL_HINT}`);
  return result;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A graph touching every feature of the builder: symbolic dims, Conv attributes, int64 consts, Identity alias. */
function sampleGraph(): OnnxGraph {
  const g = new OnnxGraph('checked');
  const x = g.addInput('x', 'float32', ['batch', 2, 4, 4]);
  const w = g.addInitializer('conv.weight', new Float32Array(2 * 2 * 9).fill(0.1), [2, 2, 3, 3]);
  const [c] = g.node('Conv', [x, w], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }, { name: 'conv' });
  const [flat] = g.node('Reshape', [c!, g.constInt64([0, -1], 'flat.shape')], {}, { name: 'flat' });
  const [scaled] = g.node('Mul', [flat!, g.constFloat([0.5], [], 'half')]);
  const [sm] = g.node('Softmax', [scaled!], { axis: { int: -1 } });
  g.aliasOutput(sm!, 'probs', 'float32', ['batch', 32]);
  return g;
}

describe('onnx.checker (python3-onnx, full_check)', () => {
  it('accepts the float32 export', () => {
    const result = check(write('f32.onnx', sampleGraph().toBytes()));
    expect(result.message).toMatch(/^ok onnx /);
    expect(result.ok).toBe(true);
  });

  it('accepts the float16-weights export', () => {
    const result = check(write('f16.onnx', sampleGraph().toBytes({ weightsFp16: true, metadata: { a: 'b' } })));
    expect(result.ok, result.message).toBe(true);
  });

  it('rejects a model whose node uses an unknown operator', () => {
    const model = {
      ir_version: 8,
      opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: 'bad',
        node: [{ op_type: 'NoSuchOp', input: ['x'], output: ['y'] }],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }] } } } }],
        output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }] } } } }],
      },
    };
    const result = check(write('bad.onnx', encodeOnnxModel(model)));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/NoSuchOp/);
  });

  it('reports an unavailable interpreter as skipped, with the install command', () => {
    const result = checkOnnxWithPython(join(dir, 'f32.onnx'), { python: join(dir, 'no-such-python') });
    expect(result.ok).toBe(false);
    expect(result.skipped).toMatch(/not found; install it with `apt-get install python3-onnx`/);
  });
});
