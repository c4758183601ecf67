/**
 * The SDK as users get it: `npm pack` of the `webgen` workspace (sdk/) after the build, into tests/.artifacts/pack/
 * (once per build: the tarball's name carries the build's hash), and fresh apps that install it from a temporary folder
 * outside the repository, so nothing resolves from the repository's own node_modules.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSdkBuild, SDK_DIST } from '../../scripts/e2e/build.js';
import { REPO, withLock } from '../../scripts/e2e/model-fixtures.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PACK_DIR = join(REPO, 'tests', '.artifacts', 'pack');

/** One file of the tarball, as `npm pack --json` lists it. */
export interface PackedFile {
  path: string;
  size: number;
}

export interface PackedSdk {
  tarball: string;
  /** Bytes of the .tgz. */
  size: number;
  /** Bytes of its files, unpacked. */
  unpackedSize: number;
  files: PackedFile[];
}

/** Runs npm in `cwd`; returns its stdout and stderr; throws with them when it fails. */
export function npm(args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(NPM, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** Builds the SDK if needed and packs it (scripts off: the build is already there). */
export async function packSdk(): Promise<PackedSdk> {
  await ensureSdkBuild();
  const hash = readFileSync(join(SDK_DIST, '.build-hash'), 'utf8').slice(0, 12);
  const meta = join(PACK_DIR, `webgen-${hash}.json`);
  return withLock(join(REPO, 'dist', '.lock-sdk-pack'), async () => {
    if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as PackedSdk;
    mkdirSync(PACK_DIR, { recursive: true });
    const json = npm(['pack', '--workspace', 'webgen', '--ignore-scripts', '--json', '--loglevel', 'error', '--pack-destination', PACK_DIR], REPO);
    const out = JSON.parse(json.slice(json.indexOf('['), json.lastIndexOf(']') + 1))[0] as { filename: string; size: number; unpackedSize: number; files: PackedFile[] };
    const tarball = join(PACK_DIR, `webgen-${hash}.tgz`);
    renameSync(join(PACK_DIR, out.filename), tarball);
    const packed: PackedSdk = { tarball, size: out.size, unpackedSize: out.unpackedSize, files: out.files.map((f) => ({ path: f.path, size: f.size })) };
    writeFileSync(meta, JSON.stringify(packed));
    return packed;
  });
}

/**
 * A fresh app: a copy of examples/<name> (or an empty package when `name` is undefined) in a temporary folder, its
 * `webgen` dependency pointed at the tarball, installed with install scripts disabled (from npm's cache when it can).
 */
export function installApp(name: string | undefined, tarball: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `webgen-app-${name ?? 'empty'}-`));
  if (name) cpSync(join(REPO, 'examples', name), dir, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)$/.test(src) });
  const pkgFile = join(dir, 'package.json');
  const pkg = existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, 'utf8')) : { name: 'empty-app', private: true, version: '1.0.0' };
  pkg.dependencies = { ...pkg.dependencies, webgen: `file:${tarball}`, ...extra };
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  npm(['install', '--ignore-scripts', '--prefer-offline', '--no-package-lock', '--loglevel', 'error'], dir);
  return dir;
}

/** Copies shipped model folders into `dest` (an app's public/models/ or its served root's models/). */
export function copyModels(dest: string, names: readonly string[]): void {
  for (const n of names) cpSync(join(REPO, 'models', n), join(dest, n), { recursive: true, filter: (src) => !/\.(png|md)$/.test(src) || statSync(src).isDirectory() });
}

/** Total bytes of the files under `dir`. */
export function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += folderBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

export function removeApp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
