/**
 * Files made elsewhere (`webgen import` of a diffusers ONNX export) name the contract's tensors their own way: the
 * manifest's `files.<role>.tensorNames` maps contract name → file name (sdk/manifest/types.ts). The engine speaks
 * only the contract's names, so this module translates at the edge: the manifest's specs are renamed to the
 * contract's, and each session is wrapped so that feeds, fetches, outputs and metadata use them too.
 */
import type { Manifest, ManifestFile, TensorSpec } from '../manifest/types.js';
import type { OrtSessionLike, OrtTensorLike, OrtValueMetadata } from './runtime.js';

/** The file's specs under the contract's names (unchanged when it has no tensorNames). */
export function contractFile(file: ManifestFile): ManifestFile {
  const map = file.tensorNames;
  if (!map) return file;
  const back = inverse(map);
  const rename = (s: TensorSpec): TensorSpec => ({ ...s, name: back.get(s.name) ?? s.name });
  return { ...file, inputs: file.inputs.map(rename), outputs: file.outputs.map(rename) };
}

/** The manifest with every file's specs under the contract's names. */
export function contractManifest(manifest: Manifest): Manifest {
  if (!Object.values(manifest.files).some((f) => f.tensorNames)) return manifest;
  return { ...manifest, files: Object.fromEntries(Object.entries(manifest.files).map(([role, f]) => [role, contractFile(f)])) };
}

/** `session` seen through the contract's names (itself when `map` is absent or empty). */
export function contractSession(session: OrtSessionLike, map: Record<string, string> | undefined): OrtSessionLike {
  if (!map || Object.keys(map).length === 0) return session;
  const back = inverse(map);
  const toContract = (n: string) => back.get(n) ?? n;
  const toFile = (n: string) => map[n] ?? n;
  const meta = (list: readonly OrtValueMetadata[] | undefined) => list?.map((m) => ({ ...m, name: toContract(m.name) }));
  const inputMetadata = meta(session.inputMetadata);
  const outputMetadata = meta(session.outputMetadata);
  return {
    inputNames: session.inputNames.map(toContract),
    outputNames: session.outputNames.map(toContract),
    ...(inputMetadata && { inputMetadata }),
    ...(outputMetadata && { outputMetadata }),
    async run(feeds, fetches) {
      const renamed: Record<string, OrtTensorLike> = {};
      for (const [k, v] of Object.entries(feeds)) renamed[toFile(k)] = v;
      const out = await session.run(renamed, fetches?.map(toFile));
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [toContract(k), v]));
    },
    release: () => session.release(),
  };
}

function inverse(map: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(map).map(([contract, own]) => [own, contract]));
}
