/**
 * A small builder for ONNX graphs: layers (trainer/nn) append nodes and weights to one OnnxGraph,
 * then toBytes() serializes a complete ModelProto (protobufjs, vendored onnx.proto).
 *
 * Nodes must be added in topological order (each input defined before use); toBytes() checks this
 * and names the first undefined value, which is much clearer than onnxruntime's load error.
 */
import { WebgenError } from '../errors/webgen-error.js';
import { AttributeType, TensorDataType, type AttributeJson, type ModelJson, type NodeJson, type TensorJson, type ValueInfoJson } from './onnx-codec.js';
import { encodeOnnxModel } from './onnx-proto.js';
import { toFloat16Array } from './float16.js';

/** Element types of graph inputs/outputs. */
export type OnnxDType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';

/** One node attribute; the key names the ONNX attribute type (int -> INT, floats -> FLOATS...). */
export type AttrValue = { int: number } | { float: number } | { ints: number[] } | { floats: number[] } | { string: string };

/** ONNX IR version written: 8 (onnx 1.10+), readable by Debian's python3-onnx 1.12 checker and onnxruntime. */
export const ONNX_IR_VERSION = 8;
/** Default ai.onnx opset: 17 (LayerNormalization exists; supported by onnxruntime-web and onnx 1.12). */
export const DEFAULT_OPSET = 17;

const DTYPE_CODE: Record<OnnxDType, number> = {
  float32: TensorDataType.FLOAT,
  float16: TensorDataType.FLOAT16,
  int64: TensorDataType.INT64,
  int32: TensorDataType.INT32,
  bool: TensorDataType.BOOL,
};

/** Options of OnnxGraph.toBytes(). */
export interface ToBytesOptions {
  /** ai.onnx opset version. Default 17. */
  opset?: number;
  /** producer_name written in the model. Default 'webgen'. */
  producer?: string;
  /** Model doc_string (markdown). Default none. */
  docString?: string;
  /**
   * Store float32 weights (addInitializer) as float16 and insert a Cast to float32 after each:
   * the file is about half the size, compute stays float32 (onnxruntime folds the Casts at load).
   * Constants from constFloat() stay float32 (epsilons, scales lose too much in half precision).
   * Default false.
   */
  weightsFp16?: boolean;
  /** metadata_props key/values (e.g. the manifest's name and schema version). Default none. */
  metadata?: Record<string, string>;
}

interface Initializer {
  name: string;
  data: Float32Array | Int32Array | BigInt64Array;
  dims: number[];
  /** Weights may be stored as float16; small constants always keep their type. */
  isWeight: boolean;
}

interface ValueDecl {
  name: string;
  dtype: OnnxDType;
  shape: (number | string)[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class OnnxGraph {
  private readonly usedValues = new Set<string>();
  private readonly usedNodeNames = new Set<string>();
  private readonly inputs: ValueDecl[] = [];
  private readonly outputs: ValueDecl[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly nodes: NodeJson[] = [];

  /** @param name the graph's name (GraphProto.name), e.g. the model kind. */
  constructor(readonly name: string) {}

  /** A fresh value name starting with prefix ("down.0.conv" -> "down.0.conv", then "down.0.conv_1"...). */
  uniqueName(prefix: string): string {
    return claim(this.usedValues, prefix);
  }

  /** Declares a graph input; dims may be symbolic strings like 'batch'. Returns the name (exactly `name`). */
  addInput(name: string, dtype: OnnxDType, shape: (number | string)[]): string {
    if (this.usedValues.has(name)) throw new WebgenError(`ONNX graph '${this.name}': input name '${name}' is already used; pick another name`);
    this.usedValues.add(name);
    this.inputs.push({ name, dtype, shape: [...shape] });
    return name;
  }

  /** Declares that the value `name` (already produced by a node, input or initializer) is a graph output. */
  addOutput(name: string, dtype: OnnxDType, shape: (number | string)[]): void {
    if (this.outputs.some((o) => o.name === name)) throw new WebgenError(`ONNX graph '${this.name}': output '${name}' is declared twice`);
    this.outputs.push({ name, dtype, shape: [...shape] });
  }

  /**
   * Renames/aliases: makes value `from` available as graph output `to` (via Identity), so the
   * model's public output names do not depend on layer naming. `to` must be unused.
   */
  aliasOutput(from: string, to: string, dtype: OnnxDType, shape: (number | string)[]): void {
    if (this.usedValues.has(to)) throw new WebgenError(`ONNX graph '${this.name}': output name '${to}' is already used; pick another name`);
    this.usedValues.add(to);
    this.nodes.push({ op_type: 'Identity', name: claim(this.usedNodeNames, to), input: [from], output: [to] });
    this.addOutput(to, dtype, shape);
  }

  /** A weight/constant stored as an initializer (float32 ones may be stored as float16, see toBytes). Returns its (unique) name. */
  addInitializer(name: string, data: Float32Array | Int32Array | BigInt64Array, dims: number[]): string {
    return this.pushInitializer(name, data, dims, true);
  }

  /** A small float32 constant (never converted to float16). prefix default 'const'. Returns its name. */
  constFloat(values: number[] | Float32Array, dims: number[], prefix = 'const'): string {
    return this.pushInitializer(prefix, Float32Array.from(values), dims, false);
  }

  /** A 1-D int64 constant (Reshape shapes, axes...). prefix default 'const'. Returns its name. */
  constInt64(values: number[], prefix = 'const'): string {
    return this.pushInitializer(prefix, BigInt64Array.from(values.map((v) => BigInt(v))), [values.length], false);
  }

  /**
   * Adds a node. Returns its output names (length = opts.outputs, default 1), derived from the
   * node name. opts.name: node name prefix (default the op type); opts.domain: operator domain
   * (default '' = ai.onnx; 'com.microsoft' etc. also get an opset import at version 1).
   * Use '' in `inputs` for an omitted optional input.
   */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { outputs?: number; name?: string; domain?: string } = {}): string[] {
    const nodeName = claim(this.usedNodeNames, opts.name ?? opType);
    const count = opts.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) => this.uniqueName(count === 1 ? nodeName : `${nodeName}.${i}`));
    const node: NodeJson = { op_type: opType, name: nodeName, input: [...inputs], output: outputs, attribute: encodeAttributes(attrs) };
    if (opts.domain) node.domain = opts.domain;
    this.nodes.push(node);
    return outputs;
  }

  /** Number of parameters (elements of addInitializer weights), for the manifest. */
  parameterCount(): number {
    return this.initializers.filter((i) => i.isWeight).reduce((n, i) => n + i.data.length, 0);
  }

  /** Serializes a complete ModelProto: ir_version 8, opset 17 unless opts.opset says otherwise. */
  toBytes(opts: ToBytesOptions = {}): Uint8Array {
    this.checkTopology();
    // Names for the fp16 copies are claimed in local sets so toBytes() can be called again.
    const values = new Set(this.usedValues);
    const nodeNames = new Set(this.usedNodeNames);
    const initializer: TensorJson[] = [];
    const castNodes: NodeJson[] = [];
    for (const init of this.initializers) {
      if (opts.weightsFp16 && init.isWeight && init.data instanceof Float32Array) {
        // Store half, cast back: consumers keep using `init.name`, now the Cast's output.
        const stored = claim(values, `${init.name}.fp16`);
        initializer.push({ name: stored, dims: init.dims, data_type: TensorDataType.FLOAT16, raw_data: littleEndianBytes(toFloat16Array(init.data)) });
        castNodes.push({
          op_type: 'Cast',
          name: claim(nodeNames, `${init.name}.cast`),
          input: [stored],
          output: [init.name],
          attribute: encodeAttributes({ to: { int: TensorDataType.FLOAT } }),
        });
      } else {
        initializer.push({ name: init.name, dims: init.dims, data_type: dataTypeOf(init.data), raw_data: littleEndianBytes(init.data) });
      }
    }
    const domains = new Set(this.nodes.map((n) => n.domain ?? '').filter((d) => d !== ''));
    const model: ModelJson = {
      ir_version: ONNX_IR_VERSION,
      opset_import: [{ domain: '', version: opts.opset ?? DEFAULT_OPSET }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
      producer_name: opts.producer ?? 'webgen',
      graph: {
        name: this.name,
        node: [...castNodes, ...this.nodes],
        initializer,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    if (opts.docString) model.doc_string = opts.docString;
    if (opts.metadata) model.metadata_props = Object.entries(opts.metadata).map(([key, value]) => ({ key, value }));
    return encodeOnnxModel(model);
  }

  private pushInitializer(prefix: string, data: Float32Array | Int32Array | BigInt64Array, dims: number[], isWeight: boolean): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new WebgenError(`ONNX initializer '${prefix}': dims [${dims.join(', ')}] hold ${size} elements but data has ${data.length}; pass matching dims`);
    }
    const name = this.uniqueName(prefix);
    this.initializers.push({ name, data, dims: [...dims], isWeight });
    return name;
  }

  /** Every node input must be a graph input, an initializer or an earlier node's output. */
  private checkTopology(): void {
    const defined = new Set<string>(['', ...this.inputs.map((i) => i.name), ...this.initializers.map((i) => i.name)]);
    for (const node of this.nodes) {
      for (const input of node.input ?? []) {
        if (!defined.has(input)) {
          throw new WebgenError(`ONNX graph '${this.name}': node '${node.name}' (${node.op_type}) reads '${input}', which no input, initializer or earlier node defines; add that first`);
        }
      }
      for (const output of node.output ?? []) defined.add(output);
    }
    for (const output of this.outputs) {
      if (!defined.has(output.name)) throw new WebgenError(`ONNX graph '${this.name}': output '${output.name}' is never computed; produce it with a node before toBytes()`);
    }
    if (this.outputs.length === 0) throw new WebgenError(`ONNX graph '${this.name}' has no outputs; call addOutput() before toBytes()`);
  }
}

/** Takes `prefix` if free, else prefix_1, prefix_2... */
function claim(used: Set<string>, prefix: string): string {
  let name = prefix;
  for (let i = 1; used.has(name); i++) name = `${prefix}_${i}`;
  used.add(name);
  return name;
}

function encodeAttributes(attrs: Record<string, AttrValue>): AttributeJson[] {
  return Object.entries(attrs).map(([name, v]): AttributeJson => {
    const values = 'int' in v ? [v.int] : 'ints' in v ? v.ints : [];
    if (!values.every(Number.isSafeInteger)) throw new WebgenError(`ONNX attribute '${name}' must hold integers, got ${JSON.stringify(v)}; round it or use { float } / { floats }`);
    if ('int' in v) return { name, type: AttributeType.INT, i: v.int };
    if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
    if ('ints' in v) return { name, type: AttributeType.INTS, ints: v.ints };
    if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.string) };
  });
}

function valueInfo(v: ValueDecl): ValueInfoJson {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: DTYPE_CODE[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function dataTypeOf(data: Float32Array | Int32Array | BigInt64Array): number {
  if (data instanceof Float32Array) return TensorDataType.FLOAT;
  if (data instanceof Int32Array) return TensorDataType.INT32;
  return TensorDataType.INT64;
}

/** raw_data must be little-endian; typed arrays are host-endian, so refuse the (exotic) big-endian host. */
function littleEndianBytes(data: ArrayBufferView): Uint8Array {
  if (!LITTLE_ENDIAN) throw new WebgenError('ONNX export needs a little-endian machine');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
