import * as tf from '@tensorflow/tfjs';

type Shape = number[];
type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs?: Record<string, unknown> };
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

/**
 * FLOPs of the kernels that dominate a conv/attention network (multiply-adds counted as 2),
 * from their input and output shapes. Everything else (norms, activations) is left out, so the
 * GFLOP/s figure is a lower bound on the work done.
 */
const FLOPS: Record<string, (a: KernelArgs, out: Shape) => number> = {
  // [B, Ho, Wo, Co] outputs, each a dot product of kh·kw·Ci
  Conv2D: ({ inputs }, out) => 2 * size(out) * size(inputs.filter!.shape.slice(0, 3)),
  FusedConv2D: ({ inputs }, out) => 2 * size(out) * size(inputs.filter!.shape.slice(0, 3)),
  // dx [B, H, W, Ci]: each dy element meets kh·kw·Ci filter values
  Conv2DBackpropInput: ({ inputs }) => 2 * size(inputs.dy!.shape) * size(inputs.filter!.shape.slice(0, 3)),
  // dW [kh, kw, Ci, Co]: each dy element meets kh·kw·Ci inputs
  Conv2DBackpropFilter: ({ inputs }, out) => 2 * size(inputs.dy!.shape) * size(out.slice(0, 3)),
  BatchMatMul: matmulFlops,
  _FusedMatMul: matmulFlops,
};

function matmulFlops({ inputs, attrs }: KernelArgs, out: Shape): number {
  const a = inputs.a!.shape;
  const k = attrs?.transposeA ? a[a.length - 2]! : a[a.length - 1]!;
  return 2 * size(out) * k;
}

/**
 * Wraps the FLOP-heavy kernels of `backendName` to add up their FLOPs while `fn` runs. Kernels
 * called from inside a counted kernel (our gradient kernels run the forward Conv2D) are not
 * counted twice.
 */
export async function countFlops<T>(backendName: string, fn: () => Promise<T>): Promise<{ result: T; flops: number }> {
  let flops = 0;
  let depth = 0;
  const originals: tf.KernelConfig[] = [];
  for (const name of Object.keys(FLOPS)) {
    const original = tf.getKernel(name, backendName);
    if (!original) continue;
    originals.push(original);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        depth++;
        try {
          const out = original.kernelFunc(args);
          if (depth === 1) {
            const info = Array.isArray(out) ? out[0]! : out;
            flops += FLOPS[name]!(args as unknown as KernelArgs, info.shape);
          }
          return out;
        } finally {
          depth--;
        }
      },
    });
  }
  try {
    return { result: await fn(), flops };
  } finally {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, backendName);
      tf.registerKernel(original);
    }
  }
}
