// Builds the demo into demo/dist/ (gitignored): a static site that `npm start` serves (server/demo-server.ts).
//   index.html, styles.css      copied from demo/
//   app.js                      demo/src/main.ts, ESM, minified; imports the SDK as the external module 'webgen'
//   samples/                    demo/samples: sample emoji (latent space, ask the model) and the emoji names
//                               (licences in samples/NOTICE)
//   sdk/                        a copy of the built SDK (sdk/dist: run `npm run build` first; npm start does),
//                               so the demo imports it like any app imports the package, from ./sdk/index.js
//   *.br, *.gz                  brotli 11 / gzip 9 of every compressible file (demo/precompress.mjs; cached in
//                               .cache/precompressed by content hash), sent by the server when the browser accepts them
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { precompressTree } from './precompress.mjs';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const OUT = 'demo/dist';
const SDK = 'sdk/dist';

function site() {
  return {
    name: 'webgen-demo-site',
    buildStart() {
      if (!existsSync(`${SDK}/index.js`)) this.error(`${SDK}/index.js is missing: build the SDK first (npm run build), or run npm start, which does both`);
      rmSync(OUT, { recursive: true, force: true });
    },
    writeBundle() {
      mkdirSync(OUT, { recursive: true });
      cpSync('demo/index.html', `${OUT}/index.html`);
      cpSync('demo/styles.css', `${OUT}/styles.css`);
      cpSync('demo/samples', `${OUT}/samples`, { recursive: true });
      cpSync(SDK, `${OUT}/sdk`, { recursive: true, filter: (src) => !/\.d\.ts$|\.build-hash$|[\\/]node\.js(\.map)?$|[\\/]node-[^\\/]*$/.test(src) });
    },
    // After the bundle is on disk (app.js included): every compressible file gets its .br and .gz.
    async closeBundle() {
      const { compressed, cached } = await precompressTree(OUT, '.cache/precompressed');
      if (compressed > 0) this.warn(`precompressed ${compressed} files (brotli 11, gzip 9); ${cached} from .cache/precompressed`);
    },
  };
}

export default {
  input: { app: 'demo/src/main.ts' },
  external: ['webgen'],
  output: { dir: OUT, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true, paths: { webgen: './sdk/index.js' } },
  plugins: [
    site(),
    typescript({
      tsconfig: false,
      include: ['demo/src/**/*.ts'],
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        strict: true,
        skipLibCheck: true,
        isolatedModules: true,
        sourceMap: true,
        noEmitOnError: true,
        // Types of 'webgen' come from the SDK's sources; at run time the import is the built package (external).
        paths: { webgen: ['./sdk/index.ts'] },
        types: [],
      },
    }),
    terser({ module: true, format: { comments: false } }),
  ],
};
