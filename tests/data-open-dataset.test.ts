import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../trainer/data/open-dataset.js';
import { findMnist } from '../trainer/data/mnist-idx.js';
import { encodePng } from '../trainer/image/encode-png.js';
import { DataError } from '../trainer/errors/data-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('openDataset', () => {
  it('defaults to 10,000 procedural shapes', async () => {
    for (const spec of ['', 'shapes']) {
      const ds = await openDataset(spec);
      expect([ds.name, ds.size, ds.width, ds.channels]).toEqual(['shapes', 10000, 32, 3]);
    }
    const small = await openDataset('shapes:500', { width: 16, seed: 3, shapes: { maxShapes: 1 } });
    expect([small.size, small.width, small.height]).toEqual([500, 16, 16]);
    expect(small.describe()).toMatchObject({ seed: 3, maxShapes: 1 });
    await expect(openDataset('shapes:lots')).rejects.toThrow(UsageError);
  });

  it('opens MNIST from ../shared/data/mnist, padded to 32, or at its own 28', async () => {
    const ds = await openDataset('mnist');
    expect([ds.name, ds.size, ds.width, ds.height, ds.channels, ds.numClasses]).toEqual(['mnist', 10000, 32, 32, 1, 10]);
    const native = await openDataset('mnist', { width: 28, channels: 3 });
    expect([native.width, native.channels]).toEqual([28, 3]);
    const img = native.get(0).image;
    expect(img[3 * 300]).toBe(img[3 * 300 + 1]); // gray replicated to RGB
  });

  it('opens mnist:DIR and idx:IMAGES,LABELS relative to cwd', async () => {
    const { dir, images, labels } = findMnist();
    const viaDir = await openDataset(`mnist:${dir}`);
    expect(viaDir.size).toBe(10000);
    const onlyImages = await openDataset(`idx:${images}`, { width: 28 });
    expect(onlyImages.numClasses).toBeUndefined();
    const both = await openDataset(`idx:${images},${labels}`);
    expect(both.get(5).label).toBe(viaDir.get(5).label);
    await expect(openDataset('idx:')).rejects.toThrow(/idx:IMAGES or idx:IMAGES,LABELS/);
  });

  it('opens a folder of images', async () => {
    const dir = join(tmp, 'imgs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.png'), encodePng(new Uint8Array(5 * 5 * 3).fill(200), 5, 5));
    const ds = await openDataset('imgs', { cwd: tmp, width: 8 });
    expect([ds.name, ds.size, ds.width, ds.height]).toEqual(['image-folder', 1, 8, 8]);
  });

  it('names an unknown spec or missing path and lists the valid forms', async () => {
    const err = await openDataset('cifar:10').then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(/'cifar:10'.*unknown data source 'cifar'/);
    expect(err!.message).toMatch(/shapes\[:N\][\s\S]*mnist:DIR[\s\S]*idx:IMAGES\[,LABELS\][\s\S]*PATH/);
    const missing = await openDataset('no/such/folder', { cwd: tmp }).then(() => undefined, (e: Error) => e);
    expect(missing).toBeInstanceOf(DataError);
    expect(missing!.message).toMatch(/^no\/such\/folder: no such data set or folder[\s\S]*shapes\[:N\]/);
    writeFileSync(join(tmp, 'file.bin'), 'x');
    await expect(openDataset('file.bin', { cwd: tmp })).rejects.toThrow(/is a file.*idx:FILE/);
    await expect(openDataset(`mnist:${tmp}`)).rejects.toThrow(/no MNIST files found/);
  });
});
