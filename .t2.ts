import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { startWasmWithThreads } from './trainer/backend/wasm-threads.js';
const ok = await startWasmWithThreads(2, () => tf.setBackend('wasm'));
console.log('ok', ok, tf.getBackend(), 'threads', wasm.getThreadsCount());
const x = tf.randomNormal([8, 32, 32, 64]); const w = tf.randomNormal([3, 3, 64, 64]);
for (let i = 0; i < 3; i++) { const t0 = performance.now(); const y = tf.conv2d(x, w, 1, 'same'); await y.data(); console.log('conv ms', performance.now() - t0); y.dispose(); }
