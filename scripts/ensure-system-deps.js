#!/usr/bin/env node
// `npm test` runs this first: it installs, with Debian's apt, the system packages the tests use
// when they are missing (python3-onnx for onnx.checker on exported models, chromium for the
// Playwright browser tests). It never fails the
// run by itself: a test that needs a missing package fails with the install command instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
const CHROMIUM = '/usr/lib/chromium/chromium';
const needs = [
  { check: [PYTHON, ['-c', 'import onnx']], pkg: 'python3-onnx', why: 'onnx.checker on exported models' },
  { check: [CHROMIUM, ['--version']], pkg: 'chromium', why: 'Playwright browser tests (Debian chromium, no Playwright download)' },
];

const missing = needs.filter(({ check: [cmd, args] }) => !existsSync(cmd) || spawnSync(cmd, args, { stdio: 'ignore' }).status !== 0);
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
const canApt = existsSync('/usr/bin/apt-get') && process.getuid?.() === 0;
if (!canApt) {
  console.warn(`missing system packages: ${pkgs.join(', ')} (${missing.map((m) => m.why).join('; ')}). Install them with: sudo apt-get install ${pkgs.join(' ')}`);
  process.exit(0);
}
console.log(`installing system packages for the tests: ${pkgs.join(', ')}`);
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (err) {
  console.warn(`apt-get could not install ${pkgs.join(', ')}: ${err.message}`);
}
