/**
 * Manifest file paths an attacker or a careless exporter could write: the cases issue 16 reproduced (encoded dot
 * segments, backslashes, leading whitespace, other schemes, other hosts) and seeded random compositions of the same
 * pieces (encodings, separators, schemes, whitespace, control characters, unicode look-alikes); and look-alikes
 * that are harmless names inside. Shared by the Node
 * and the Chromium path tests.
 */
import { Rng } from '../../sdk/random/rng.js';

/** Where the outside file sits relative to the model folder in both tests: `<root>/inside/m/` and `<root>/outside/model.onnx`. */
export const HOSTILE_PATHS: readonly string[] = [
  '%2e%2e/%2e%2e/outside/model.onnx',
  '../../outside/model.onnx',
  '%2E%2E/%2e%2E/outside/model.onnx',
  '.%2e/.%2e/outside/model.onnx',
  '..%2f..%2foutside%2fmodel.onnx',
  '..%5c..%5coutside%5cmodel.onnx',
  '..\\..\\outside\\model.onnx',
  '\\..\\..\\outside\\model.onnx',
  '\\tmp\\model.onnx',
  ' /tmp/model.onnx',
  '\t/tmp/model.onnx',
  '/outside/model.onnx',
  '//evil.example/model.onnx',
  '\\\\evil.example\\model.onnx',
  'file:///etc/passwd',
  'fi\tle:///etc/passwd',
  'fi\nle:///etc/passwd',
  ' file:///etc/passwd',
  'FILE:///etc/passwd',
  'file://localhost/etc/passwd',
  'file:/dev/zero',
  'file:///dev/zero',
  'http://evil.example/model.onnx',
  'https://evil.example/model.onnx',
  'http://127.0.0.1:1/model.onnx',
  'data:application/octet-stream;base64,AAAA',
  'blob:http://127.0.0.1/0',
  'javascript:alert(1)',
  'C:\\Windows\\win.ini',
  'c:/Windows/win.ini',
  'model.onnx/../../../outside/model.onnx',
  'sub/%2e%2e/%2e%2e/%2e%2e/outside/model.onnx',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/outside/model.onnx',
  'model.onnx%00.txt',
  'model.onnx?x=1',
  'model.onnx#frag',
  '?../../outside/model.onnx',
  '#../../outside/model.onnx',
  '',
  ' ',
  '.',
  './',
  '..',
];

/**
 * Paths that look hostile but name something inside the folder once the URL parser has decoded them once (a folder
 * literally called `%2e%2e`): the URL check may accept them, the manifest validator still refuses them (only plain
 * names are allowed), and nothing outside is ever read.
 */
export const LOOKALIKE_PATHS: readonly string[] = [
  '%252e%252e/%252e%252e/outside/model.onnx',
  '%2500/model.onnx',
  '\u2025/\u2025/outside/model.onnx', // unicode look-alikes of '..' are ordinary names to the parser and the file system
  '\uff0e\uff0e/\uff0e\uff0e/outside/model.onnx',
  '..\u2215..\u2215outside\u2215model.onnx',
  'model.onnx\u0000', // the URL parser strips trailing control characters: 'model.onnx'
];

const PIECES = [
  '..', '.', '%2e%2e', '%2E%2e', '.%2e', '%2e', '%252e', '/', '//', '\\', '%2f', '%2F', '%5c', '%5C', ' ', '\t', '\n', '\r', '\u0000', '%00',
  'file:', 'file://', 'file:///', 'fi\tle:', 'http:', 'http://evil.example/', 'data:', ':', '?', '#', '@', 'C:', 'c:\\', '~',
  'outside', 'model.onnx', 'm', 'inside', 'etc', 'passwd', 'dev', 'zero', 'a', '\u2025', '\uff0e', '\u2215', '\u2044', '\u00e9', '%c3%a9', '%', '%zz', '%c0%ae',
];

/** `count` seeded random paths made of PIECES (1–8 pieces each). */
export function randomHostilePaths(count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rng.uniform() * 8);
    let path = '';
    for (let k = 0; k < n; k++) path += PIECES[Math.floor(rng.uniform() * PIECES.length)];
    out.push(path);
  }
  return out;
}
