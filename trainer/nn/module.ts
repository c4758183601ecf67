import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Rng } from '../../sdk/random/rng.js';

/** How a parameter's initial values are drawn. */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Uniform in [-bound, bound): PyTorch's default for Linear/Conv is bound = 1/sqrt(fanIn). */
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number };

/**
 * Base of every layer and model: a tree of named child modules, each owning named parameters
 * (tf.Variable). The dotted path of a parameter ("down.0.res.1.conv1.kernel") is stable and is
 * the key used by checkpoints, EMA and the ONNX initializer names.
 *
 * Layers add, by convention, `apply(x, …)` (tfjs forward, NHWC for images, differentiable) and
 * `toOnnx(g, x, …)` (appends the same computation to an ONNX graph, NCHW for images, reading the
 * current variable values; returns the output value's name). They are not declared here because
 * their extra arguments differ from layer to layer.
 */
export class Module {
  private readonly childModules = new Map<string, Module>();
  private readonly params = new Map<string, tf.Variable>();
  private parent: Module | null = null;
  private localName = '';

  /** Dotted path of this module from the root ('' for the root). */
  get path(): string {
    if (!this.parent) return '';
    const up = this.parent.path;
    return up ? `${up}.${this.localName}` : this.localName;
  }

  /** Registers a child module under `name` and returns it. */
  protected addModule<M extends Module>(name: string, child: M): M {
    if (this.childModules.has(name) || this.params.has(name)) {
      throw new Error(`Module '${this.path}' already has a member named '${name}'`);
    }
    child.parent = this;
    child.localName = name;
    this.childModules.set(name, child);
    return child;
  }

  /** Creates a trainable variable of `shape` drawn from `init` with `rng`, registered under `name`. */
  protected addParam(name: string, shape: number[], init: Init, rng: Rng): tf.Variable {
    if (this.childModules.has(name) || this.params.has(name)) {
      throw new Error(`Module '${this.path}' already has a member named '${name}'`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    switch (init.kind) {
      case 'zeros':
        break;
      case 'ones':
        values.fill(1);
        break;
      case 'uniform':
        for (let i = 0; i < size; i++) values[i] = rng.range(-init.bound, init.bound);
        break;
      case 'normal':
        for (let i = 0; i < size; i++) values[i] = rng.normal() * init.std;
        break;
    }
    // Unnamed: tfjs requires globally unique variable names, and two models may coexist.
    const initial = tf.tensor(values, shape, 'float32');
    const v = tf.variable(initial, true);
    initial.dispose(); // the variable holds its own reference to the data
    this.params.set(name, v);
    return v;
  }

  /** Direct children in registration order. */
  children(): Map<string, Module> {
    return new Map(this.childModules);
  }

  /** Every parameter of this subtree keyed by its dotted path, in a stable (registration) order. */
  namedVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    const walk = (m: Module, prefix: string): void => {
      for (const [n, v] of m.params) out.set(prefix + n, v);
      for (const [n, c] of m.childModules) walk(c, `${prefix}${n}.`);
    };
    walk(this, '');
    return out;
  }

  /** The parameters as a plain list (for `tf.variableGrads` / optimisers' var lists). */
  variables(): tf.Variable[] {
    return [...this.namedVariables().values()];
  }

  /** Total number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.namedVariables().values()) n += v.size;
    return n;
  }

  /** Frees every variable of this subtree. The module is unusable afterwards. */
  dispose(): void {
    for (const v of this.namedVariables().values()) v.dispose();
  }

  /**
   * Adds a parameter's current value to the graph as an initializer named after its path
   * (`path.name`), optionally permuting axes first (e.g. conv kernels HWIO → OIHW).
   * Returns the initializer's name.
   */
  protected exportParam(g: OnnxGraph, name: string, perm?: number[], reshapeTo?: number[]): string {
    const v = this.params.get(name);
    if (!v) throw new Error(`Module '${this.path}' has no parameter '${name}'`);
    const { data, dims } = tf.tidy(() => {
      let t: tf.Tensor = perm ? tf.transpose(v, perm) : v;
      if (reshapeTo) t = t.reshape(reshapeTo);
      return { data: t.dataSync() as Float32Array, dims: t.shape };
    });
    const full = this.path ? `${this.path}.${name}` : name;
    return g.addInitializer(full, Float32Array.from(data), dims);
  }

  /** Node-name prefix for an op of this module ("down.0.res.1.conv1/Conv"); the graph makes it unique. */
  protected onnxName(_g: OnnxGraph, op: string): string {
    return this.path ? `${this.path}/${op}` : op;
  }
}

/** An ordered list of modules named "0", "1", … (like torch.nn.ModuleList). */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[] = [];

  constructor(items: M[] = []) {
    super();
    for (const m of items) this.push(m);
  }

  push(m: M): M {
    this.addModule(String(this.items.length), m);
    this.items.push(m);
    return m;
  }

  get length(): number {
    return this.items.length;
  }
}

/** Reads a variable's values into a plain array (used by `toOnnx` for constants). */
export function readValues(v: tf.Tensor): Float32Array {
  return Float32Array.from(v.dataSync() as Float32Array);
}
