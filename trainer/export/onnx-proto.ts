/**
 * The trainer's ONNX codec, built once from the vendored proto/onnx.proto (Node only).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebgenError } from '../errors/webgen-error.js';
import { createOnnxCodec, type ModelJson, type OnnxCodec, type TensorJson, TensorDataType } from './onnx-codec.js';
import { fromFloat16Array } from './float16.js';

let codec: OnnxCodec | undefined;

/** The codec for the vendored onnx.proto, parsed on first use. */
export function onnxCodec(): OnnxCodec {
  if (!codec) {
    const protoPath = fileURLToPath(new URL('./proto/onnx.proto', import.meta.url));
    codec = createOnnxCodec(readFileSync(protoPath, 'utf8'));
  }
  return codec;
}

/** Serializes a ModelProto plain object to bytes. */
export function encodeOnnxModel(model: ModelJson): Uint8Array {
  try {
    return onnxCodec().encodeModel(model);
  } catch (err) {
    throw new WebgenError(`cannot serialize ONNX model: ${(err as Error).message}`, { cause: err });
  }
}

/** Decodes ONNX model bytes into a plain ModelProto object (field names as in onnx.proto). */
export function readOnnxModel(bytes: Uint8Array): ModelJson {
  try {
    return onnxCodec().decodeModel(bytes);
  } catch (err) {
    throw new WebgenError(`not a valid ONNX model (${(err as Error).message}); re-export it with webgen-train export`, { cause: err });
  }
}

/**
 * The elements of a decoded TensorProto as a typed array: float32 for FLOAT and FLOAT16
 * (float16 widened), BigInt64Array for INT64, Int32Array for INT32. Reads raw_data or the typed fields.
 */
export function tensorValues(t: TensorJson): Float32Array | BigInt64Array | Int32Array {
  const n = (t.dims ?? []).reduce((a, b) => a * b, 1);
  const raw = t.raw_data;
  // Copy raw bytes into an aligned buffer: protobuf slices are not 4/8-byte aligned.
  const aligned = (bytesPerElement: number): ArrayBuffer => {
    const buf = new ArrayBuffer(n * bytesPerElement);
    new Uint8Array(buf).set(raw!.subarray(0, n * bytesPerElement));
    return buf;
  };
  switch (t.data_type) {
    case TensorDataType.FLOAT:
      return raw ? new Float32Array(aligned(4)) : Float32Array.from(t.float_data ?? []);
    case TensorDataType.FLOAT16:
      return fromFloat16Array(raw ? new Uint16Array(aligned(2)) : Uint16Array.from(t.int32_data ?? []));
    case TensorDataType.INT64:
      return raw ? new BigInt64Array(aligned(8)) : BigInt64Array.from((t.int64_data ?? []).map((v) => BigInt(v)));
    case TensorDataType.INT32:
      return raw ? new Int32Array(aligned(4)) : Int32Array.from(t.int32_data ?? []);
    default:
      throw new WebgenError(`tensor '${t.name}': data_type ${t.data_type} is not one webgen reads (FLOAT, FLOAT16, INT32, INT64)`);
  }
}
