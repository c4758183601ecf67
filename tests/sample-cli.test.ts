// `webgen sample` end to end on tiny fixture models (random weights, exported by the trainer): PNGs of the model's
// size, the same seed giving the same bytes, a batch written as DIR/0000.png …, img2img (strength 0 returns the
// picture), DDPM; and every bad input the issue names exits non-zero with one line naming the flag.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { REPO_ROOT, type CliResult } from './helpers/run-cli.js';

const WEBGEN = fileURLToPath(new URL('../trainer/bin/webgen.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'webgen-sample-'));
let text: string;
let cls: string;

function webgen(args: string[]): Promise<CliResult> {
  return start(args).done;
}

function start(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [WEBGEN, 'sample', ...args], { cwd: REPO_ROOT, env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}

const png = (path: string) => PNG.sync.read(readFileSync(path));

beforeAll(async () => {
  text = await fixtureModel('text');
  cls = await fixtureModel('class');
}, 600_000);

describe('webgen sample', () => {
  it('draws a prompt into a PNG of the model size; the same seed gives the same bytes, another seed another picture', async () => {
    const [a, b, c] = ['a.png', 'b.png', 'c.png'].map((f) => join(tmp, f));
    for (const [out, seed] of [[a, '1'], [b, '1'], [c, '2']] as const) {
      const r = await webgen(['--model', text, '--prompt', 'a red circle', '--steps', '4', '--seed', seed, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 image \("a red circle", 4 steps, seed \d\) in [\d.]+ s\nwrote /);
    }
    const img = png(a);
    expect([img.width, img.height]).toEqual([32, 32]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  }, 120_000);

  it('writes a batch of a class as DIR/0000.png … with seeds seed … seed + N − 1', async () => {
    const dir = join(tmp, 'digits');
    const r = await webgen(['--model', cls, '--class', '3', '--batch', '3', '--steps', '3', '--seed', '5', '--out', `${dir}/`]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['0000.png', '0001.png', '0002.png']);
    const one = join(tmp, 'seed6.png');
    expect((await webgen(['--model', cls, '--class', '3', '--steps', '3', '--seed', '6', '--out', one])).code).toBe(0);
    expect(readFileSync(join(dir, '0001.png')).equals(readFileSync(one))).toBe(true);
  }, 120_000);

  it('--guidance-interval guides only part of the steps: none (1,1) is the unguided picture, part of them (0.5,1) a third one', async () => {
    const draw = async (name: string, flags: string[]) => {
      const out = join(tmp, name);
      const r = await webgen(['--model', cls, '--class', '2', '--steps', '6', '--seed', '3', ...flags, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      return Buffer.from(png(out).data);
    };
    const plain = await draw('g1.png', ['--guidance', '1']);
    const every = await draw('g5.png', ['--guidance', '5']);
    const none = await draw('g5-none.png', ['--guidance', '5', '--guidance-interval', '1,1']);
    const part = await draw('g5-part.png', ['--guidance', '5', '--guidance-interval', '0.5,1']);
    expect(none.equals(plain)).toBe(true);
    expect(every.equals(plain)).toBe(false);
    expect(part.equals(plain)).toBe(false);
    expect(part.equals(every)).toBe(false);
  }, 120_000);

  it('img2img: --strength 0 returns the picture, 0.6 redraws it; --scheduler ddpm samples too', async () => {
    const init = join(tmp, 'init.png');
    expect((await webgen(['--model', text, '--prompt', 'a blue star', '--steps', '3', '--out', init])).code).toBe(0);
    const keep = join(tmp, 'keep.png');
    const r0 = await webgen(['--model', text, '--prompt', 'a blue star', '--init', init, '--strength', '0', '--out', keep]);
    expect(r0.code, r0.stderr).toBe(0);
    expect(Buffer.from(png(keep).data).equals(Buffer.from(png(init).data))).toBe(true);
    const redo = join(tmp, 'redo.png');
    const r1 = await webgen(['--model', text, '--prompt', 'a blue star', '--init', init, '--strength', '0.6', '--steps', '10', '--out', redo]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/6 steps/);
    expect(Buffer.from(png(redo).data).equals(Buffer.from(png(init).data))).toBe(false);
    const ddpm = join(tmp, 'ddpm.png');
    const r2 = await webgen(['--model', cls, '--scheduler', 'ddpm', '--steps', '20', '--out', ddpm]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(existsSync(ddpm)).toBe(true);
  }, 120_000);

  it.each([
    [['--steps', '0'], /--steps must be an integer >= 1, got '0'/],
    [['--steps', '1001'], /--steps must be an integer in \[1, 1000\] \(the model's training timesteps\), got 1001/],
    [['--class', '1', '--guidance', 'NaN'], /--guidance must be a number, got 'NaN'/],
    [['--class', '1', '--guidance-interval', '0.8,0.2'], /--guidance-interval must be LO,HI with 0 <= LO <= HI <= 1 .*got '0.8,0.2'/],
    [['--class', '1', '--guidance-interval', '0.3'], /--guidance-interval must be LO,HI/],
    [['--class', '10'], /--class must be an integer in \[0, 9\]/],
    [['--class', 'eleven'], /--class must be a class of model/],
    [['--init', 'nowhere.png', '--strength', '0.5'], /--init: cannot read 'nowhere.png' \(ENOENT\)/],
    [['--scheduler', 'euler'], /--scheduler must be one of ddim, ddpm, dpm-solver\+\+, got 'euler'/],
    [['--scheduler', 'ddpm', '--eta', '0.5'], /--eta must be 1 \(or left out\) with scheduler 'ddpm'/],
    [['--prompt', 'a red circle'], /--prompt is not accepted: model '.*' is not text-conditioned/],
    [['--out', 'picture.jpg'], /--out must be a .png file or a folder ending in \//],
  ])('class model with %j: one line naming the flag, non-zero exit', async (args, message) => {
    const r = await webgen(['--model', cls, '--out', join(tmp, 'x.png'), ...args]); // a later --out wins
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it.each([
    [['--prompt', ''], /--prompt is empty/],
    [['--prompt', 'a red circle a red circle a red circle'], /--prompt has \d+ tokens; the model accepts at most \d+ \(shorten it\)/],
    [['--prompt', 'a red circle', '--init', 'README.md', '--strength', '0.5'], /--init: 'README.md' is not a PNG image/],
    [[], /needs --model DIR/],
  ])('text model with %j: one line naming the flag, non-zero exit', async (args, message) => {
    const r = await webgen(args.length ? ['--model', text, ...args] : []);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('--init whose PNG header declares more than 8192x8192 pixels is refused before it is decoded, in one line', async () => {
    const small = join(tmp, 'small.png');
    expect((await webgen(['--model', text, '--prompt', 'a red circle', '--steps', '1', '--out', small])).code).toBe(0);
    const bytes = readFileSync(small);
    bytes.writeUInt32BE(100_000, 16); // IHDR width and height: 40 GB of RGBA if decoded
    bytes.writeUInt32BE(100_000, 20);
    const bomb = join(tmp, 'bomb.png');
    writeFileSync(bomb, bytes);
    const r = await webgen(['--model', text, '--prompt', 'a red circle', '--init', bomb, '--out', join(tmp, 'z.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/--init: '.*bomb\.png' is 100000x100000, more than the 67108864 pixels \(8192x8192\) img2img takes; scale it down first$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('--strength outside [0, 1] is refused with a readable picture', async () => {
    const init = join(tmp, 'init2.png');
    expect((await webgen(['--model', text, '--prompt', 'a red circle', '--steps', '2', '--out', init])).code).toBe(0);
    const r = await webgen(['--model', text, '--prompt', 'a red circle', '--init', init, '--strength', '1.5', '--out', join(tmp, 'y.png')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--strength must be a number in \[0, 1\], got 1.5/);
  }, 60_000);

  it('writes each image of a batch as it is drawn: killed mid-run, the images so far are there and whole', async () => {
    // 10,000 images take minutes; the first file must appear within seconds, not after the last image
    const dir = join(tmp, 'stream');
    const run = start(['--model', cls, '--batch', '10000', '--steps', '2', '--out', `${dir}/`]);
    const t0 = Date.now();
    let exited = false;
    void run.done.then(() => (exited = true));
    while (!exited && Date.now() - t0 < 20_000 && !(existsSync(dir) && readdirSync(dir).filter((f) => f.endsWith('.png')).length >= 2)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const stoppedMidRun = !exited;
    run.child.kill('SIGKILL');
    const r = await run.done;
    expect(stoppedMidRun, `exited before it was stopped: ${r.stderr}`).toBe(true);
    const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThan(10000);
    expect(files.slice(0, 2)).toEqual(['0000.png', '0001.png']);
    // written atomically: every .png there decodes whole (a half-written one would be a dot-named temp file)
    for (const f of files) expect([png(join(dir, f)).width, png(join(dir, f)).height]).toEqual([32, 32]);
  }, 60_000);

  it('--batch has a stated limit: the help names it, one more is refused up front naming it', async () => {
    const help = await webgen(['--help']);
    expect(help.stdout).toMatch(/--batch N +how many images, 1 … 10000/);
    const r = await webgen(['--model', cls, '--batch', '10001', '--out', join(tmp, 'too-many/')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("webgen: --batch must be an integer in [1, 10000], got '10001'");
    expect(existsSync(join(tmp, 'too-many'))).toBe(false);
  }, 60_000);

  it('--batch > 1 with --out naming an image file or an existing file is refused, saying to give a folder; nothing is made', async () => {
    const r = await webgen(['--model', cls, '--batch', '2', '--steps', '2', '--out', join(tmp, 'pair.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out '.*pair\.png' names an image file, but --batch 2 writes 2 images into a folder: give a folder such as '.*pair\/'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(tmp, 'pair.png'))).toBe(false);
    const file = join(tmp, 'notes');
    writeFileSync(file, 'keep me');
    const f = await webgen(['--model', cls, '--batch', '2', '--steps', '2', '--out', file]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--out '.*notes' is a file, but --batch 2 writes 2 images into a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    // a folder named like an image, given with its slash, is still a folder
    const ok = await webgen(['--model', cls, '--batch', '2', '--steps', '2', '--out', `${join(tmp, 'pics.png')}/`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(tmp, 'pics.png')).sort()).toEqual(['0000.png', '0001.png']);
  }, 60_000);

  it('seeds do not wrap: seed + batch − 1 past 2³² − 1 is refused before drawing; the last seed that fits is the lone picture of that seed', async () => {
    const help = await webgen(['--help']);
    expect(help.stdout).toMatch(/seed \+ N - 1 must\s+fit in that range too: seeds do not wrap/);
    const dir = join(tmp, 'top-seeds');
    const r = await webgen(['--model', cls, '--seed', '4294967295', '--batch', '2', '--steps', '2', '--out', `${dir}/`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('webgen: --seed 4294967295 with --batch 2 needs seeds up to 4294967296, beyond the largest seed 4294967295 (seeds do not wrap): use --seed 4294967294 or lower');
    expect(existsSync(dir)).toBe(false);
    const fits = await webgen(['--model', cls, '--seed', '4294967294', '--batch', '2', '--steps', '2', '--out', `${dir}/`]);
    expect(fits.code, fits.stderr).toBe(0);
    const last = join(tmp, 'seed-max.png');
    expect((await webgen(['--model', cls, '--seed', '4294967295', '--steps', '2', '--out', last])).code).toBe(0);
    expect(readFileSync(join(dir, '0001.png')).equals(readFileSync(last))).toBe(true);
  }, 60_000);

  it.each([
    ['--steps', '0x5'], ['--steps', '1e1'], ['--steps', '5.0'], ['--steps', ''], ['--steps', ' 5'], ['--steps', '5abc'], ['--steps', '+5'],
    ['--batch', '0x2'], ['--seed', '1e3'], ['--threads', '2.0'],
  ])('integer flag %s %j: refused, one line naming the flag and the value, exit 2', async (flag, value) => {
    const r = await webgen(['--model', cls, '--out', join(tmp, 'strict.png'), flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^webgen: ${flag} must be an integer .*in decimal digits, got '${value.replace('+', '\\+')}'$`));
    expect(existsSync(join(tmp, 'strict.png'))).toBe(false);
  }, 60_000);
});
