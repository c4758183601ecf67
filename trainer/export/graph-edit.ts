/**
 * Small edits of a decoded ONNX graph (readOnnxModel's plain ModelProto): who produces and who reads each value,
 * initializers by name, fresh names, and removal of the nodes no output needs any more. Post-export passes
 * (quantize-int8.ts, bench/graph-forms.ts) rewrite a proven float32 file with these instead of rebuilding it.
 */
import type { GraphJson, ModelJson, NodeJson, TensorJson } from './onnx-codec.js';
import { tensorValues } from './onnx-proto.js';

export class GraphEdit {
  readonly graph: GraphJson;
  private readonly names = new Set<string>();

  constructor(readonly model: ModelJson) {
    this.graph = model.graph!;
    this.graph.node ??= [];
    this.graph.initializer ??= [];
    for (const n of this.graph.node) for (const v of [...(n.input ?? []), ...(n.output ?? []), n.name ?? '']) this.names.add(v);
    for (const t of this.graph.initializer) this.names.add(t.name!);
    for (const v of [...(this.graph.input ?? []), ...(this.graph.output ?? [])]) this.names.add(v.name!);
  }

  /** A name no value or node of the graph uses yet: prefix, else prefix_1, prefix_2... */
  fresh(prefix: string): string {
    let name = prefix;
    for (let i = 1; this.names.has(name); i++) name = `${prefix}_${i}`;
    this.names.add(name);
    return name;
  }

  /** The node that writes `value` (undefined for inputs and initializers). */
  producer(value: string): NodeJson | undefined {
    return this.graph.node!.find((n) => n.output?.includes(value));
  }

  /** The nodes that read `value`. */
  consumers(value: string): NodeJson[] {
    return this.graph.node!.filter((n) => n.input?.includes(value));
  }

  initializer(name: string): TensorJson | undefined {
    return this.graph.initializer!.find((t) => t.name === name);
  }

  /** An initializer's elements as float32 (float16 widened), or undefined when `name` is not a float initializer. */
  floatValues(name: string): Float32Array | undefined {
    const t = this.initializer(name);
    if (!t) return undefined;
    const v = tensorValues(t);
    return v instanceof Float32Array ? v : undefined;
  }

  /** A 1-D int64 initializer's values as numbers (Reshape shapes), or undefined. */
  int64Values(name: string): number[] | undefined {
    const t = this.initializer(name);
    if (!t) return undefined;
    const v = tensorValues(t);
    return v instanceof BigInt64Array ? [...v].map(Number) : undefined;
  }

  /** Adds an initializer under a fresh name made from `prefix`; returns the name. */
  addInitializer(prefix: string, dataType: number, dims: number[], raw: ArrayBufferView): string {
    const name = this.fresh(prefix);
    this.graph.initializer!.push({ name, dims, data_type: dataType, raw_data: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice() });
    return name;
  }

  /** A node whose outputs get fresh names from its own; inserted right before `before` (topological order kept), else appended. */
  insertNode(node: Omit<NodeJson, 'output'> & { output?: string[] }, before?: NodeJson, outputs = 1): string[] {
    const name = this.fresh(node.name ?? node.op_type!);
    const output = node.output ?? Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? name : `${name}.${i}`));
    const full: NodeJson = { ...node, name, output };
    const at = before ? this.graph.node!.indexOf(before) : -1;
    if (at < 0) this.graph.node!.push(full);
    else this.graph.node!.splice(at, 0, full);
    return output;
  }

  /** Every read of `from` (node inputs and graph outputs stay as they are) now reads `to`. */
  replaceUses(from: string, to: string): void {
    for (const n of this.graph.node!) n.input = n.input?.map((v) => (v === from ? to : v));
  }

  /** Drops nodes and initializers no graph output depends on any more. */
  prune(): void {
    const needed = new Set((this.graph.output ?? []).map((o) => o.name!));
    const kept: NodeJson[] = [];
    for (const n of [...this.graph.node!].reverse()) {
      if (!n.output?.some((o) => needed.has(o))) continue;
      kept.push(n);
      for (const v of n.input ?? []) needed.add(v);
    }
    this.graph.node = kept.reverse();
    this.graph.initializer = this.graph.initializer!.filter((t) => needed.has(t.name!));
  }

  /** Raises the ai.onnx opset import to at least `version`. */
  requireOpset(version: number, domain = ''): void {
    const imports = (this.model.opset_import ??= []);
    const own = imports.find((o) => (o.domain ?? '') === domain);
    if (!own) imports.push({ domain, version });
    else own.version = Math.max(own.version ?? 1, version);
  }
}
