// node main.mjs [MODELS_DIR] [OUT_DIR]: draws one digit per class with webgen/node (onnxruntime-node), writes them as
// PNGs, and scores them with FID/KID against the classifier's reference statistics — everything from the installed
// package (the statistics WebAssembly module ships inside it).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFidScorer, createGenerator } from 'webgen/node';

const models = process.argv[2] ?? 'models';
const out = process.argv[3] ?? 'out';
await mkdir(out, { recursive: true });

const generator = await createGenerator({ model: join(models, 'mnist-ddim') });
const images = await generator.sample({ batch: 10, classLabel: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], steps: 10, seed: 1 });
for (const [i, image] of images.entries()) {
  await writeFile(join(out, `digit-${i}.png`), new Uint8Array(await (await image.toBlob()).arrayBuffer()));
}
await generator.dispose();

const scorer = await createFidScorer({ extractor: join(models, 'mnist-classifier'), reference: join(models, 'mnist-classifier', 'reference-stats.fidstats') });
await scorer.addFake(images);
const { fid } = await scorer.fid();
const { kid } = await scorer.kid();
await scorer.dispose();
console.log(JSON.stringify({ images: images.length, out, fid, kid }));
