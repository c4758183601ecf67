import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './trainer/backend/select-backend.ts';
import { UNet } from './trainer/models/unet.ts';
import { UNET_PRESETS } from './trainer/models/unet-presets.ts';
import { loadCheckpoint, restoreGroup } from './trainer/train/checkpoint.ts';
import { Rng } from './sdk/random/rng.ts';
import { DDIMScheduler } from './sdk/schedulers/ddim.ts';
import { createShapesDataset } from './trainer/data/shapes.ts';
await selectBackend({ prefer: 'wasm', log: () => {} });
const unet = new UNet({ ...UNET_PRESETS.tiny, numClasses: 6 }, 0);
const ck = await loadCheckpoint('/tmp/q2000/checkpoint.wgck');
console.log('ckpt step', ck.header.step);
restoreGroup(ck, 'x', 'ema', unet.namedVariables());
const ds = createShapesDataset({ size: 100 });
const ex = ds.get(3);
const stats = (a: Float32Array) => { let m = 0; for (const v of a) m += v; m /= a.length; let r = 0, n = 0; for (let i = 3; i < a.length; i++) { if ((i / 3) % 32 === 0) continue; r += Math.abs(a[i]! - a[i - 3]!); n++; } return `mean ${m.toFixed(3)} rough ${(r / n).toFixed(3)}`; };
console.log('real', stats(ex.image));
const s = new DDIMScheduler({}); s.setTimesteps(50);
for (const start of [200, 500, 800, 980]) {
  const ts = Array.from(s.timesteps).filter((t) => t <= start);
  const a = s.alphasCumprod[ts[0]!]!;
  const rng = new Rng(2);
  let x = ex.image.map((v) => Math.sqrt(a) * v + Math.sqrt(1 - a) * rng.normal());
  let last: Float32Array = x;
  for (const t of ts) {
    const eps = tf.tidy(() => unet.apply(tf.tensor4d(x, [1, 32, 32, 3]), tf.tensor1d([t]), { classLabels: tf.tensor1d([6], 'int32') }).dataSync() as Float32Array);
    const r = s.step(eps, t, x, { eta: 0 }); x = r.prevSample; last = r.predOriginalSample;
  }
  let err = 0; for (let i = 0; i < x.length; i++) err += Math.abs(x[i]! - ex.image[i]!); 
  console.log('from t', ts[0], 'result', stats(x), 'mean abs diff to original', (err / x.length).toFixed(3));
}
