// Serve this folder with COOP/COEP headers and the model folder at /models/mnist-ddim/.
import { createGenerator } from 'webgen';

const status = document.querySelector('#status');
const canvas = document.querySelector('#out');

async function main() {
  const generator = await createGenerator({ model: '/models/mnist-ddim' });
  const [image] = await generator.sample({ classLabel: 7, steps: 10, seed: 1 });
  canvas.getContext('2d').putImageData(image.toImageData(), 0, 0);
  status.textContent = `a 7, drawn on ${generator.backend} in ${Math.round(image.timings.totalMs)} ms`;
  document.body.dataset.done = 'true';
}

main().catch((err) => {
  status.textContent = `failed: ${err.message}`;
  document.body.dataset.done = 'error';
  console.error(err);
});
