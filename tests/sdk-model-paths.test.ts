// A manifest cannot make the Node SDK read outside its model folder (issue 16, part 1): every path in
// tests/helpers/hostile-paths.ts, the reproduced cases and 5,000 seeded random ones, through the URL check
// (sdk/loader/model-file-url.ts), the Node file loader (realpath, regular files, reads bounded by `bytes`) and the
// HTTP loader against a deliberately naive server that would serve anything it is asked for. The folder is
// <root>/inside/m/; <root>/outside/model.onnx is the same model with the same sha256, so a read of it would load.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFiles } from '../sdk/loader/fetch-model.js';
import { modelFileUrl } from '../sdk/loader/model-file-url.js';
import { readLocalFile } from '../sdk/loader/read-file-node.js';
import { createGenerator, IntegrityError, ManifestError, ModelLoadError } from '../sdk/node.js';
import type { ManifestFile } from '../sdk/manifest/types.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { HOSTILE_PATHS, LOOKALIKE_PATHS, randomHostilePaths } from './helpers/hostile-paths.js';

const root = mkdtempSync(join(tmpdir(), 'webgen-paths-'));
const inside = join(root, 'inside', 'm');
const outside = join(root, 'outside');
let model: Buffer;
let unet: ManifestFile;
let manifest: Record<string, unknown> & { files: { unet: ManifestFile } };
const RANDOM = randomHostilePaths(5000, 20261205);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  const fixture = await fixtureModel('class');
  mkdirSync(join(root, 'inside'), { recursive: true });
  cpSync(fixture, inside, { recursive: true });
  mkdirSync(join(inside, 'sub'));
  mkdirSync(outside);
  model = readFileSync(join(inside, 'model.onnx'));
  writeFileSync(join(outside, 'model.onnx'), model);
  symlinkSync(join(outside, 'model.onnx'), join(inside, 'link.onnx'));
  symlinkSync('/etc', join(inside, 'etc'));
  symlinkSync('/dev/zero', join(inside, 'zero'));
  manifest = JSON.parse(readFileSync(join(inside, 'manifest.json'), 'utf8'));
  unet = manifest.files.unet;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A model folder beside `inside` whose manifest lists `path` (with the real model's sha256 and size) as its U-Net. */
function caseFolder(name: string, edit: (m: typeof manifest) => void): string {
  const dir = join(root, 'inside', name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(inside, dir, { recursive: true, verbatimSymlinks: true });
  const m = structuredClone(manifest);
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('model file paths (Node)', () => {
  it('modelFileUrl accepts only URLs inside the folder, after the parser decodes and normalises, for file: and http: folders', () => {
    for (const base of [pathToFileURL(join(inside, 'manifest.json')), new URL('http://127.0.0.1:8080/inside/m/manifest.json')]) {
      const folder = new URL('.', base);
      let accepted = 0;
      for (const path of [...HOSTILE_PATHS, ...LOOKALIKE_PATHS, ...RANDOM]) {
        let url: URL;
        try {
          url = modelFileUrl(path, base, 'files.unet.path');
        } catch (err) {
          expect(err).toBeInstanceOf(ManifestError);
          expect((err as ManifestError).field).toBe('files.unet.path');
          continue;
        }
        accepted++;
        expect(HOSTILE_PATHS).not.toContain(path);
        expect(url.origin + url.host).toBe(folder.origin + folder.host);
        expect(url.href.startsWith(folder.href) && url.href.length > folder.href.length).toBe(true);
        const rest = url.pathname.slice(folder.pathname.length).split('/').map(decodeURIComponent);
        expect(rest.some((s) => s === '..' || s === '.' || s.includes('/') || s.includes('\\'))).toBe(false);
        if (url.protocol === 'file:') expect(normalize(fileURLToPath(url)).startsWith(inside + sep)).toBe(true);
      }
      expect(accepted).toBeGreaterThan(50); // the random paths that are plain names inside (e.g. 'model.onnx', 'a/m')
      expect(modelFileUrl('model.onnx', base, 'f').href).toBe(new URL('model.onnx', folder).href);
      expect(modelFileUrl('sub/model.onnx', base, 'f').href).toBe(new URL('sub/model.onnx', folder).href);
    }
  });

  it('createGenerator refuses every reproduced path with a ManifestError naming files.unet.path, reading nothing', async () => {
    const secretSha = sha(readFileSync('/etc/passwd'));
    for (const [i, path] of [...HOSTILE_PATHS, ...LOOKALIKE_PATHS].entries()) {
      const dir = caseFolder(`case-${i}`, (m) => (m.files.unet.path = path));
      const err = await createGenerator({ model: dir }).catch((e: unknown) => e);
      expect(err, JSON.stringify(path)).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).field).toBe('files.unet.path');
      expect((err as Error).message).not.toContain(secretSha);
    }
  });

  it('the file loader under the validator: a read succeeds only for files really inside (symlinks, /etc, /dev/zero refused)', async () => {
    const folder = pathToFileURL(`${inside}/`);
    const base = new URL('manifest.json', folder);
    const reads: string[] = [];
    for (const path of [...HOSTILE_PATHS, ...RANDOM, 'model.onnx', 'link.onnx', 'etc/passwd', 'zero', 'sub']) {
      let url: URL;
      try {
        url = modelFileUrl(path, base, 'files.unet.path');
      } catch {
        continue;
      }
      const read = await readLocalFile(url, folder, unet.bytes).catch(() => undefined);
      if (read && 'bytes' in read) {
        expect(fileURLToPath(url)).toBe(join(inside, 'model.onnx'));
        reads.push(path);
      }
      if (read && 'problem' in read && (path === 'link.onnx' || path === 'etc/passwd' || path === 'zero')) expect(read.problem).toBe('outside');
    }
    expect(reads).toContain('model.onnx');
    expect(await readLocalFile(new URL('link.onnx', folder), folder, unet.bytes)).toEqual({ problem: 'outside' });
    expect(await readLocalFile(new URL('sub', folder), folder, unet.bytes)).toEqual({ problem: 'not-a-file' });
  });

  it('a symlink leaving the folder, a FIFO and a folder in place of model.onnx are ModelLoadErrors, without hanging', async () => {
    const link = caseFolder('link', () => {});
    unlinkSync(join(link, 'model.onnx'));
    symlinkSync(join(outside, 'model.onnx'), join(link, 'model.onnx'));
    await expect(createGenerator({ model: link })).rejects.toThrow(/symbolic link to a file outside the model folder/);

    const fifo = caseFolder('fifo', () => {});
    unlinkSync(join(fifo, 'model.onnx'));
    execFileSync('mkfifo', [join(fifo, 'model.onnx')]);
    const fifoErr = await createGenerator({ model: fifo }).catch((e: unknown) => e);
    expect(fifoErr).toBeInstanceOf(ModelLoadError);
    expect((fifoErr as Error).message).toMatch(/model\.onnx \(files\.unet of '.*'\): it is not a regular file/);

    const folder = caseFolder('folder', () => {});
    unlinkSync(join(folder, 'model.onnx'));
    mkdirSync(join(folder, 'model.onnx'));
    await expect(createGenerator({ model: folder })).rejects.toThrow(/not a regular file/);

    // The manifest itself: a manifest.json that is /dev/zero is refused, not read until memory runs out.
    const zero = caseFolder('zero-manifest', () => {});
    unlinkSync(join(zero, 'manifest.json'));
    symlinkSync('/dev/zero', join(zero, 'manifest.json'));
    await expect(createGenerator({ model: zero })).rejects.toThrow(/manifest\.json: it is not a regular file/);
  });

  it('a file larger than its manifest bytes is an IntegrityError before it is hashed; absurd bytes are a ManifestError', async () => {
    const big = caseFolder('bigger', () => {});
    appendFileSync(join(big, 'model.onnx'), Buffer.alloc(10));
    const err = await createGenerator({ model: big }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as IntegrityError).declaredBytes).toBe(unet.bytes);
    expect((err as Error).message).toMatch(/'model\.onnx' is larger than the \d+ bytes the manifest declares/);

    for (const bytes of [1e15, 2 ** 31 + 1, 1.5, -1, 0]) {
      const dir = caseFolder('absurd', (m) => (m.files.unet.bytes = bytes));
      const e = await createGenerator({ model: dir }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ManifestError);
      expect((e as ManifestError).field).toBe('files.unet.bytes');
    }
  });
});

describe('model file paths over HTTP (Node fetch)', () => {
  let server: Server;
  let base: string;
  const requested: string[] = [];
  let endless = false;
  let lyingLength = false;

  beforeAll(async () => {
    // Naive on purpose: decodes and joins whatever it is asked for, so a request that leaves /inside/m/ would succeed.
    server = createServer((req, res) => {
      const raw = req.url ?? '/';
      requested.push(raw);
      const path = decodeURIComponent(raw.split('?')[0]!);
      if (endless && path.endsWith('/model.onnx')) {
        res.writeHead(200, lyingLength ? { 'content-length': String(10 * unet.bytes) } : {});
        const chunk = Buffer.alloc(65536, 1);
        const push = () => {
          while (res.write(chunk));
        };
        res.on('drain', push);
        req.on('close', () => res.destroy());
        push();
        return;
      }
      try {
        // Regular files only, so that the naive server itself does not read /dev/zero through the 'zero' symlink.
        if (!statSync(join(root, path)).isFile()) throw new Error('not a file');
        res.end(readFileSync(join(root, path)));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('fetchFiles under the validator requests nothing outside the folder, for every path', async () => {
    const manifestUrl = new URL(`${base}/inside/m/manifest.json`);
    requested.length = 0;
    let loaded = 0;
    for (const path of [...HOSTILE_PATHS, ...RANDOM.slice(0, 1500), 'model.onnx']) {
      try {
        const files = await fetchFiles(manifestUrl, { unet: { ...unet, path } }, { cache: false });
        expect(sha(files.unet!)).toBe(unet.sha256);
        loaded++;
      } catch (err) {
        expect(err).toBeInstanceOf(ModelLoadError); // ManifestError for a refused path, else 404 or integrity
      }
    }
    expect(loaded).toBeGreaterThan(0);
    for (const raw of requested) {
      expect(raw.startsWith('/inside/m/'), raw).toBe(true);
      expect(normalize(decodeURIComponent(raw)).startsWith('/inside/m/'), raw).toBe(true);
    }
  });

  it('createGenerator over http refuses %2e%2e/%2e%2e/outside/model.onnx and other-origin URLs', async () => {
    for (const [i, path] of ['%2e%2e/%2e%2e/outside/model.onnx', `${base}/outside/model.onnx`, 'http://evil.example/model.onnx', 'data:,x'].entries()) {
      caseFolder(`http-${i}`, (m) => (m.files.unet.path = path));
      requested.length = 0;
      await expect(createGenerator({ model: `${base}/inside/http-${i}/` })).rejects.toBeInstanceOf(ManifestError);
      expect(requested).toEqual([`/inside/http-${i}/manifest.json`]);
    }
  });

  it('an endless body, or one whose Content-Length exceeds the manifest, stops at the declared bytes with an IntegrityError', async () => {
    endless = true;
    try {
      for (const lying of [false, true]) {
        lyingLength = lying;
        const before = process.memoryUsage().rss;
        const started = Date.now();
        const err = await createGenerator({ model: `${base}/inside/m/` }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IntegrityError);
        expect((err as IntegrityError).declaredBytes).toBe(unet.bytes);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
      }
    } finally {
      endless = false;
      lyingLength = false;
    }
  });
});
