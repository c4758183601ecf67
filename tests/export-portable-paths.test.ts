// Manifests record the training config, but not the trainer's machine: absolute paths become relative (or just the
// folder name when outside the working directory), and no shipped manifest carries one.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portablePaths } from '../trainer/export/model-folder.js';
import { REPO_ROOT } from './helpers/run-cli.js';

describe('portablePaths', () => {
  it('makes absolute paths relative to the working directory, or names only the folder outside it', () => {
    const config = { out: resolve('runs/x'), export: resolve('/somewhere/else/mnist-run'), data: 'mnist', steps: 4, rel: 'models/y', here: process.cwd() };
    expect(portablePaths(config)).toEqual({ out: join('runs', 'x'), export: '…/mnist-run', data: 'mnist', steps: 4, rel: 'models/y', here: '.' });
  });

  it('no shipped manifest names an absolute path', () => {
    const root = join(REPO_ROOT, 'models');
    for (const name of readdirSync(root)) {
      const path = join(root, name, 'manifest.json');
      if (!existsSync(path)) continue;
      expect(readFileSync(path, 'utf8'), path).not.toMatch(/"(\/(root|home|Users|tmp|work|var)\/|[A-Z]:\\\\)/);
    }
  });
});
