// `webgen fid` and `webgen eval fid` end to end: .npy fixtures score the python reference FID on the
// last line, statistics saved with --save-stats compare the same, image folders go through the MNIST
// extractor (and images of the wrong size are refused), the committed MNIST reference statistics are
// reproduced by their command, and `eval fid` samples a tiny model exported here into a steps × eta
// table, JSON and a PNG chart. Bad command lines exit 2 naming the flag.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStats } from '../sdk/fid/stats-file.js';
import { openDataset } from '../trainer/data/open-dataset.js';
import { encodeOnnxModel } from '../trainer/export/onnx-proto.js';
import { encodePng } from '../trainer/image/encode-png.js';
import { REPO_ROOT, runCli, type CliResult } from './helpers/run-cli.js';

const WEBGEN = fileURLToPath(new URL('../trainer/bin/webgen.js', import.meta.url));
const fixtures = 'tests/fixtures/fid';
const ref = JSON.parse(readFileSync(join(fixtures, 'reference.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'webgen-fid-cli-'));

function webgen(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [WEBGEN, ...args], { cwd: REPO_ROOT, env: { ...process.env, CI: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const lastLine = (s: string) => s.trim().split('\n').pop()!;

/** Writes MNIST digits [from, to) as 8-bit grey PNGs, padded to `size`. */
async function writeDigits(dir: string, from: number, to: number, size = 32): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const ds = await openDataset('mnist', { width: size, height: size });
  for (let i = from; i < to; i++) {
    const img = ds.get(i).image;
    writeFileSync(join(dir, `${String(i).padStart(5, '0')}.png`), encodePng(Uint8Array.from(img, (v) => Math.round((v + 1) * 127.5)), size, size));
  }
}

describe('webgen fid', () => {
  it('scores two .npy feature matrices as pytorch-fid does, and KID with --kid', async () => {
    const r = await webgen(['fid', join(fixtures, 'small-a.npy'), join(fixtures, 'small-b.npy'), '--kid', '--kid-subsets', '5', '--json', join(tmp, 'small.json')]);
    expect(r.code, r.stderr).toBe(0);
    const m = /^FID: (\S+)$/.exec(lastLine(r.stdout));
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - ref.cases.small.fid) / ref.cases.small.fid).toBeLessThan(1e-6);
    expect(r.stdout).toMatch(/KID: \S+ ± \S+ \(5 subsets of 200\)/);
    const doc = JSON.parse(readFileSync(join(tmp, 'small.json'), 'utf8'));
    expect(doc.counts).toEqual([200, 300]);
    expect(doc.kid.subsets).toBe(5);
  });

  it('says a covariance is singular, and saved statistics compare the same as the features', async () => {
    const r = await webgen(['fid', join(fixtures, 'rankdef-a.npy'), join(fixtures, 'rankdef-b.npy')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: covariance a is singular \(rank 49 of 64: 50 samples for 64 dimensions\)/);
    const stats = join(tmp, 'rankdef-b.fidstats');
    const s = await webgen(['fid', '--save-stats', join(fixtures, 'rankdef-b.npy'), stats]);
    expect(s.code, s.stderr).toBe(0);
    expect(decodeStats(readFileSync(stats))).toMatchObject({ count: 60, dim: 64 });
    const r2 = await webgen(['fid', join(fixtures, 'rankdef-a.npy'), stats]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(lastLine(r2.stdout)).toBe(lastLine(r.stdout));
    expect(Math.abs(Number(lastLine(r.stdout).slice(5)) - ref.cases.rankdef.fid) / ref.cases.rankdef.fid).toBeLessThan(1e-6);
  });

  it("reads pytorch-fid's .npz statistics (numpy's savez_compressed) and names what is wrong with a bad one", async () => {
    const r = await webgen(['fid', join(fixtures, 'small-a.npy'), join(fixtures, 'small-b-stats.npz')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/small-b-stats.npz: saved statistics \(sample count not recorded\)/);
    expect(Math.abs(Number(lastLine(r.stdout).slice(5)) - ref.cases.small.fid) / ref.cases.small.fid).toBeLessThan(1e-6);
    writeFileSync(join(tmp, 'bad.npz'), new Uint8Array(100).fill(7));
    const bad = await webgen(['fid', join(fixtures, 'small-a.npy'), join(tmp, 'bad.npz')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad.npz: not a .npz \(zip\) file/);
  });

  it('scores folders of images through the MNIST extractor, and refuses images of the wrong size', async () => {
    await writeDigits(join(tmp, 'digits-a'), 0, 40);
    await writeDigits(join(tmp, 'digits-b'), 40, 80);
    await writeDigits(join(tmp, 'digits-28'), 0, 3, 28);
    const r = await webgen(['fid', join(tmp, 'digits-a'), join(tmp, 'digits-b'), '--extractor', 'models/mnist-classifier']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/digits-a: 40 images/);
    expect(Number(lastLine(r.stdout).slice(5))).toBeGreaterThan(0);
    // the same digits as a data set slice: the same FID
    const d = await webgen(['fid', 'data:mnist@0:40', 'data:mnist@40:80', '--extractor', 'models/mnist-classifier']);
    expect(d.code, d.stderr).toBe(0);
    expect(Math.abs(Number(lastLine(d.stdout).slice(5)) - Number(lastLine(r.stdout).slice(5)))).toBeLessThan(1e-3);
    const bad = await webgen(['fid', join(tmp, 'digits-28'), join(tmp, 'digits-b'), '--extractor', 'models/mnist-classifier']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/00000.png: is 28x28; the extractor takes 32x32 images \(resize them/);
  });

  it('--inception: a bare .onnx extractor with a [N, F, 1, 1] pool output, images of any size resized to 299x299', async () => {
    // a stand-in for pytorch-fid's Inception: [N, 3, 299, 299] → GlobalAveragePool → [N, 3, 1, 1]
    const FLOAT = 1;
    const onnx = join(tmp, 'gap.onnx');
    writeFileSync(
      onnx,
      encodeOnnxModel({
        ir_version: 8,
        opset_import: [{ domain: '', version: 17 }],
        graph: {
          name: 'gap',
          node: [{ op_type: 'GlobalAveragePool', input: ['images'], output: ['pool'], name: 'gap' }],
          input: [{ name: 'images', type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 3 }, { dim_value: 299 }, { dim_value: 299 }] } } } }],
          output: [{ name: 'pool', type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 3 }, { dim_value: 1 }, { dim_value: 1 }] } } } }],
        },
      }),
    );
    await writeDigits(join(tmp, 'digits-28-many'), 100, 140, 28);
    const r = await webgen(['fid', join(tmp, 'digits-28-many'), join(tmp, 'digits-b'), '--extractor', onnx, '--inception', '--output', 'pool', '--json', join(tmp, 'gap.json')]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(tmp, 'gap.json'), 'utf8'));
    expect(doc).toMatchObject({ dim: 3, counts: [40, 40], extractor: 'gap.onnx/pool' });
    // grey images become three equal channels: the covariance has rank 1
    expect(doc.rank).toBe(1);
    expect(Number.isFinite(doc.fid)).toBe(true);
    const bare = await webgen(['fid', join(tmp, 'digits-a'), join(tmp, 'digits-b'), '--extractor', onnx]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/00000.png: is 32x32; the extractor takes 299x299 images/);
  });

  it('the committed MNIST reference statistics are what their command computes', async () => {
    const out = join(tmp, 'mnist.fidstats');
    const r = await webgen(['fid', '--save-stats', 'data:mnist', out, '--extractor', 'models/mnist-classifier', '--kid-samples', '1000']);
    expect(r.code, r.stderr).toBe(0);
    const mine = decodeStats(readFileSync(out));
    const shipped = decodeStats(readFileSync('models/mnist-classifier/reference-stats.fidstats'));
    expect(mine).toMatchObject({ count: 10000, dim: 128, extractor: 'mnist-classifier/features' });
    expect(shipped.count).toBe(10000);
    let worst = 0;
    for (let i = 0; i < mine.cov.length; i++) worst = Math.max(worst, Math.abs(mine.cov[i]! - shipped.cov[i]!));
    expect(worst).toBeLessThan(1e-4 * Math.max(...shipped.cov.map(Math.abs)));
    expect(shipped.kidFeatures!.length).toBe(1000 * 128);
  });

  it.each([
    [['fid', 'a.npy'], 2, /webgen fid needs two paths, got 1/],
    [['fid', 'a', 'b', '--frobnicate'], 2, /Unknown option '--frobnicate'.*webgen fid --help/],
    [['fid', `${fixtures}/small-a.npy`, `${fixtures}/small-b.npy`, '--kid-subsets', '0'], 2, /--kid-subsets must be an integer in \[1, 1000\], got '0'/],
    [['fid', `${fixtures}/small-a.npy`, 'nowhere.npy'], 1, /nowhere.npy: no such file or folder/],
    [['fid', `${fixtures}/small-a.npy`, `${fixtures}/equal-a.npy`], 1, /'fake features' must have 16 dimensions like the other set \(the same extractor for both\), got "32 dimensions"/],
    [['fid', 'data:mnist@0:10', `${fixtures}/small-a.npy`], 2, /data:mnist@0:10 holds images: pass --extractor/],
    [['frobnicate'], 2, /unknown command 'frobnicate'; commands: sample, translate, import, fid, eval fid/],
    [['eval', 'fid'], 2, /eval fid needs --model DIR/],
    [['eval', 'fid', '--model', 'm', '--eta', '2'], 2, /--eta values must be in \[0, 1\], got '2'/],
  ])('%j exits %i with a message', async (argv, code, message) => {
    const r = await webgen(argv as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

/** One stderr line, no stack frames. */
function oneLine(r: CliResult): void {
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('webgen fid and eval fid on hostile input: one line on stderr, exit 1 (runtime) or 2 (usage), no stack', () => {
  const a = `${fixtures}/small-a.npy`;
  const b = `${fixtures}/small-b.npy`;

  it('--help states the KID bounds; --kid-samples and --kid-subsets beyond them are usage errors naming the bound', async () => {
    const help = await webgen(['fid', '--help']);
    expect(help.stdout).toMatch(/--kid-subsets N +subsets \(default 100, at most 1,000\)/);
    expect(help.stdout).toMatch(/--kid-samples N +features kept per set for KID \(default 10000, at most 1,000,000\)/);
    for (const [flag, value, bound] of [['--kid-samples', '1e12', '[0, 1000000]'], ['--kid-samples', '1000001', '[0, 1000000]'], ['--kid-subsets', '1e9', '[1, 1000]'], ['--kid-subsets', '1001', '[1, 1000]']]) {
      const r = await webgen(['fid', a, b, '--kid', flag!, value!]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${flag} must be an integer in ${bound}`);
      expect(r.stderr).toContain(`got '${value}'`);
      oneLine(r);
    }
  });

  it('an image folder with an unreadable entry (a folder named x.png, a dangling link, no permission) is a DataError naming it', async () => {
    const dir = join(tmp, 'hostile-dir');
    mkdirSync(join(dir, '00.png'), { recursive: true });
    const r = await webgen(['fid', dir, b, '--extractor', 'models/mnist-classifier']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hostile-dir\/00\.png: cannot read the image: it is a folder/);
    oneLine(r);
    const links = join(tmp, 'hostile-links');
    mkdirSync(links);
    symlinkSync(join(tmp, 'nowhere.png'), join(links, '00.png'));
    const l = await webgen(['fid', links, b, '--extractor', 'models/mnist-classifier']);
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/hostile-links\/00\.png: cannot read the image \(ENOENT\)/);
    oneLine(l);
    // root reads any folder: the permission case only means something for other users
    if (process.getuid?.() !== 0) {
      const locked = join(tmp, 'hostile-locked');
      mkdirSync(locked);
      chmodSync(locked, 0);
      const p = await webgen(['fid', locked, b, '--extractor', 'models/mnist-classifier']);
      chmodSync(locked, 0o755);
      expect(p.code).toBe(1);
      expect(p.stderr).toMatch(/hostile-locked: cannot list the folder \(EACCES\)/);
      oneLine(p);
    }
  });

  it('--inception with an extractor that takes 1x32x32 images is a usage error saying to leave it out', async () => {
    await writeDigits(join(tmp, 'digits-few'), 0, 3);
    const r = await webgen(['fid', join(tmp, 'digits-few'), join(tmp, 'digits-few'), '--extractor', 'models/mnist-classifier', '--inception']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--inception resizes images to 3x299x299 .* but --extractor models\/mnist-classifier takes 1x32x32 images \(CxHxW\): leave out --inception/);
    oneLine(r);
  });

  it('an error nobody foresaw (an extractor that onnxruntime cannot run on the batch) is one line with the WEBGEN_DEBUG hint; WEBGEN_DEBUG=1 adds the stack', async () => {
    // [N, 1, 32, 32] → Reshape to [1, 1024]: a valid model that fails inside onnxruntime for any batch but 1
    const onnx = join(tmp, 'reshape-one.onnx');
    writeFileSync(
      onnx,
      encodeOnnxModel({
        ir_version: 8,
        opset_import: [{ domain: '', version: 17 }],
        graph: {
          name: 'reshape-one',
          node: [{ op_type: 'Reshape', input: ['images', 'shape'], output: ['features'], name: 'reshape' }],
          initializer: [{ name: 'shape', data_type: 7, dims: [2], int64_data: [1, 1024] }],
          input: [{ name: 'images', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 1 }, { dim_value: 32 }, { dim_value: 32 }] } } } }],
          output: [{ name: 'features', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: 1024 }] } } } }],
        },
      }),
    );
    await writeDigits(join(tmp, 'digits-few'), 0, 3);
    const args = ['fid', join(tmp, 'digits-few'), join(tmp, 'digits-few'), '--extractor', onnx];
    const r = await webgen(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^webgen: unexpected error: Error: .*\(set WEBGEN_DEBUG=1 for the stack trace\)\n$/);
    oneLine(r);
    const d = await webgen(args, { WEBGEN_DEBUG: '1' });
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^\s+at /m);
  });

  it.each([
    [['fid', `${fixtures}/small-a.npy`, `${fixtures}/small-b.npy`, '--kid', '--kid-subsets', '1e1'], /--kid-subsets must be an integer in \[1, 1000\] in decimal digits, got '1e1'/],
    [['fid', `${fixtures}/small-a.npy`, `${fixtures}/small-b.npy`, '--seed', '0x1'], /--seed must be an integer in \[0, 4294967295\] in decimal digits, got '0x1'/],
    [['fid', `${fixtures}/small-a.npy`, `${fixtures}/small-b.npy`, '--kid', '--kid-subset-size', '5.0'], /--kid-subset-size must be an integer .*in decimal digits, got '5.0'/],
    [['eval', 'fid', '--model', 'm', '--samples', '1e3'], /--samples must be an integer .*in decimal digits, got '1e3'/],
    [['eval', 'fid', '--model', 'm', '--steps', '2,0x3'], /--steps must be an integer >= 1 in decimal digits, got '0x3'/],
    [['eval', 'fid', '--model', 'm', '--batch', ' 5'], /--batch must be an integer >= 1 in decimal digits, got ' 5'/],
    [['eval', 'fid', '--model', 'm', '--guidance', '0x2'], /--guidance must be a number, got '0x2'/],
  ])('%j is refused strictly: exit 2, one line naming the flag and the value', async (argv, message) => {
    const r = await webgen(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    oneLine(r);
  });
});

describe('webgen eval fid', () => {
  const model = join(tmp, 'tiny-mnist');
  beforeAll(async () => {
    const r = await runCli([
      'mnist-small', '--model', 'tiny', '--data', 'mnist', '--steps', '1', '--batch-size', '4', '--sample-every', '0',
      '--backend', 'wasm', '--threads', '1', '--out', join(tmp, 'run'), '--export', model,
    ]);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it('prints FID and KID in a steps × eta table and writes JSON and a PNG chart', async () => {
    const json = join(tmp, 'eval.json');
    const chart = join(tmp, 'eval.png');
    const md = join(tmp, 'eval.md');
    const r = await webgen(['eval', 'fid', '--model', model, '--steps', '2,3', '--eta', '0,1', '--samples', '12', '--batch', '6', '--kid', '--json', json, '--chart', chart, '--markdown', md]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ddim steps 2 eta 0: FID [\d.]+, KID \S+ ± \S+ \(12 samples/);
    expect(r.stdout).toMatch(/FID\nη \\ steps +2 +3\n0\.0 +[\d.]+ +[\d.]+\n1\.0 +[\d.]+ +[\d.]+\n\nKID/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.rows.map((row: { steps: number; eta: number }) => [row.steps, row.eta])).toEqual([[2, 0], [3, 0], [2, 1], [3, 1]]);
    for (const row of doc.rows) expect(row.fid).toBeGreaterThan(0);
    expect(doc.referenceCount).toBe(10000);
    expect(readFileSync(chart).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(md, 'utf8')).toMatch(/\| η \\ DDIM steps \| 2 \| 3 \|\n\| --- \| ---: \| ---: \|\n\| 0\.0 \| [\d.]+ \(KID \S+\) \| [\d.]+ \(KID \S+\) \|\n\| 1\.0 \|/);
    // --dpm-solver adds a DPM-Solver++ row; the Markdown then names each row's sampler
    const dpm = await webgen(['eval', 'fid', '--model', model, '--steps', '2', '--eta', '0', '--dpm-solver', '2,3', '--samples', '12', '--batch', '6', '--markdown', md]);
    expect(dpm.code, dpm.stderr).toBe(0);
    expect(dpm.stdout).toMatch(/dpm-solver\+\+ steps 3: FID [\d.]+/);
    expect(dpm.stdout).toMatch(/DPM-Solver\+\+ +[\d.]+ +[\d.]+/);
    expect(readFileSync(md, 'utf8')).toMatch(/\| sampler \\ steps \| 2 \| 3 \|\n\| --- \| ---: \| ---: \|\n\| DDIM η 0\.0 \| [\d.]+ \| - \|\n\| DPM-Solver\+\+ \| [\d.]+ \| [\d.]+ \|/);
    // an extractor for other images is refused up front
    const shapesLike = join(tmp, 'no-such-extractor');
    const bad = await webgen(['eval', 'fid', '--model', model, '--extractor', shapesLike]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/reference-stats.fidstats: no reference statistics; make them with: webgen fid --save-stats/);
    expect(existsSync(shapesLike)).toBe(false);
  });

  it('--is: the Inception Score of real digits with the MNIST judge is near 10 classes, and bad input is named', async () => {
    const r = await webgen(['fid', '--is', 'data:mnist@0:1000', '--extractor', 'models/mnist-classifier', '--json', join(tmp, 'is.json')]);
    expect(r.code, r.stderr).toBe(0);
    const m = /^IS: ([\d.]+) ± ([\d.]+) \(10 splits\)$/.exec(lastLine(r.stdout));
    expect(m).not.toBeNull();
    // 1,000 real test digits, ~100 per class, 98.4%-accurate judge: close to but below 10
    expect(Number(m![1])).toBeGreaterThan(8.5);
    expect(Number(m![1])).toBeLessThan(10);
    const json = JSON.parse(readFileSync(join(tmp, 'is.json'), 'utf8'));
    expect([json.images, json.classes, json.splits.length]).toEqual([1000, 10, 10]);
    // more splits than images is refused, not quietly lowered
    const ones = await webgen(['fid', '--is', 'data:mnist@0:10', '--extractor', 'models/mnist-classifier', '--splits', '20']);
    expect(ones.code).not.toBe(0);
    expect(ones.stderr).toMatch(/'splits' must be an integer in \[1, 10\]/);
    const noExtractor = await webgen(['fid', '--is', 'data:mnist@0:10']);
    expect(noExtractor.code).toBe(2);
    expect(noExtractor.stderr).toMatch(/--is needs --extractor/);
  });

  it('eval fid --is adds the Inception Score of the same samples per setting, in the log, the table and the JSON', async () => {
    const json = join(tmp, 'eval-is.json');
    const r = await webgen(['eval', 'fid', '--model', model, '--steps', '2', '--eta', '0', '--samples', '20', '--batch', '10', '--is', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ddim steps 2 eta 0: FID [\d.]+, IS [\d.]+ ± [\d.]+ \(20 samples/);
    expect(r.stdout).toMatch(/\nIS\nη \\ steps +2\n0\.0 +[\d.]+ ± [\d.]+/);
    const row = JSON.parse(readFileSync(json, 'utf8')).rows[0];
    // between one class everywhere (1) and ten equally (10)
    expect(row.is).toBeGreaterThanOrEqual(1);
    expect(row.is).toBeLessThanOrEqual(10);
    expect(row.isStd).toBeGreaterThanOrEqual(0);
  });
});
