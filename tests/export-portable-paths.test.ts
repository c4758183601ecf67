// Manifests record the training config, but not the trainer's machine: absolute paths become relative (or just the
// folder name when outside the working directory), and no shipped manifest carries one.
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandPath, portablePaths } from '../trainer/export/model-folder.js';
import { shippedModels } from '../server/demo-check.js';
import { REPO_ROOT } from './helpers/run-cli.js';

describe('portablePaths', () => {
  it('makes absolute paths relative to the working directory, or names only the folder outside it', () => {
    const config = { out: resolve('runs/x'), export: resolve('/somewhere/else/mnist-run'), data: 'mnist', steps: 4, rel: 'models/y', here: process.cwd() };
    expect(portablePaths(config)).toEqual({ out: join('runs', 'x'), export: '…/mnist-run', data: 'mnist', steps: 4, rel: 'models/y', here: '.' });
  });

  it('commandPath (commands written into cards): relative here, ~/… in the home folder, else the folder name', () => {
    expect(commandPath(resolve('models/x'))).toBe(join('models', 'x'));
    expect(commandPath('runs/y')).toBe('runs/y');
    expect(commandPath(join(homedir(), '.cache', 'webgen-runs', 'mnist-dcgan'))).toBe(join('~', '.cache', 'webgen-runs', 'mnist-dcgan').replace(/^~[\\/]/, '~/'));
    expect(commandPath('/somewhere/else/run')).toMatch(/^(~\/.*|…\/run)$/);
  });

  it('no shipped manifest or card names an absolute path', () => {
    const root = join(REPO_ROOT, 'models');
    for (const name of shippedModels(root)) {
      for (const file of ['manifest.json', 'card.md']) {
        const path = join(root, name, file);
        if (!existsSync(path)) continue;
        expect(readFileSync(path, 'utf8'), path).not.toMatch(/(^|["\s`(])(\/(root|home|Users|tmp|work|var)\/|[A-Z]:\\)/m);
      }
    }
  });
});
