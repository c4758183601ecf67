/**
 * ONNX ModelProto encoding and decoding with protobufjs, from the text of onnx.proto.
 * Browser-safe (no node imports): the trainer loads the vendored proto file in onnx-proto.ts;
 * the SDK can pass the same text bundled as a string.
 */
import protobuf from 'protobufjs';

/** TensorProto.DataType values webgen uses (onnx.proto, TensorProto.DataType). */
export const TensorDataType = {
  FLOAT: 1,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;

/** AttributeProto.AttributeType values webgen uses. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

// Plain-object views of the messages, field names as in onnx.proto (keepCase). Only the fields
// webgen reads or writes are typed; int64 fields are plain numbers (decoded with longs: Number).

export interface StringStringEntry { key?: string; value?: string }
export interface TensorJson {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  doc_string?: string;
}
export interface AttributeJson {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorJson;
  floats?: number[];
  ints?: number[];
}
export interface NodeJson {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeJson[];
  doc_string?: string;
}
export interface DimensionJson { dim_value?: number; dim_param?: string }
export interface ValueInfoJson {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimensionJson[] } } };
  doc_string?: string;
}
export interface GraphJson {
  name?: string;
  node?: NodeJson[];
  initializer?: TensorJson[];
  input?: ValueInfoJson[];
  output?: ValueInfoJson[];
  value_info?: ValueInfoJson[];
  doc_string?: string;
}
export interface ModelJson {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: GraphJson;
  metadata_props?: StringStringEntry[];
}

/** Encoder/decoder pair bound to one parsed onnx.proto. */
export interface OnnxCodec {
  /** Serializes a ModelProto given as a plain object (verified against the schema first). */
  encodeModel(model: ModelJson): Uint8Array;
  /** Parses ModelProto bytes into a plain object; int64 fields become numbers, bytes Uint8Array. */
  decodeModel(bytes: Uint8Array): ModelJson;
}

/** Builds a codec from the text of onnx.proto (field names kept in snake_case, as in the file). */
export function createOnnxCodec(protoText: string): OnnxCodec {
  const root = protobuf.parse(protoText, { keepCase: true }).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  return {
    encodeModel(model) {
      const problem = ModelProto.verify(model);
      if (problem) throw new Error(`ONNX ModelProto is malformed: ${problem}`);
      return ModelProto.encode(ModelProto.fromObject(model)).finish();
    },
    decodeModel(bytes) {
      const message = ModelProto.decode(bytes);
      return ModelProto.toObject(message, { longs: Number, enums: Number, bytes: Uint8Array as never, defaults: false, arrays: false }) as ModelJson;
    },
  };
}
