/**
 * Schema-driven protobuf decoding into the JSON form of the same object, as the apiserver's
 * protobuf and JSON serializers agree on: unset fields omitted, int32/int64 as numbers, bytes as
 * base64, maps as objects, Time/Quantity/IntOrString in their string or number forms.
 */
import { metaTime } from '../../time.js';
import type { FieldType, MapType, Mode, Message, Scalar } from './schema.js';
import { isZeroValue, readFields, Reader, WIRE_BYTES, WIRE_VARINT, WireError, type WireValue } from './wire.js';

export type Rec = Record<string, unknown>;

/** A field the schema tables do not describe carries data: refuse rather than drop it silently. */
export class UnknownFieldError extends Error {
  override name = 'UnknownFieldError';
  constructor(
    readonly messageName: string,
    readonly field: number,
    readonly path: string,
  ) {
    super(`field ${field} of ${messageName} at ${path || '<root>'} is not decoded by the embedded cluster`);
  }
}

const isMessage = (type: FieldType): type is Message => typeof type === 'object' && 'fields' in type;
const isMap = (type: FieldType): type is MapType => typeof type === 'object' && 'map' in type;
type ValueType = Exclude<FieldType, MapType>;
const utf8 = new TextDecoder();

function bytesOf(value: WireValue, path: string): Uint8Array {
  if (value.wire !== WIRE_BYTES) throw new WireError(`${path}: expected a length-delimited value, got wire type ${value.wire}`);
  return value.bytes;
}

function varintOf(value: WireValue, path: string): bigint {
  if (value.wire !== WIRE_VARINT) throw new WireError(`${path}: expected a varint, got wire type ${value.wire}`);
  return value.value;
}

/** Fields of a small message by number (the last occurrence wins, as in protobuf). */
function fieldMap(bytes: Uint8Array): Map<number, WireValue> {
  return new Map(readFields(bytes).map((f) => [f.field, f.value]));
}

/** metav1.Time marshals to JSON as RFC 3339 in UTC at second precision; zero is null (omitted). */
function rfc3339(seconds: bigint): string | undefined {
  if (seconds === 0n) return undefined;
  return metaTime(Number(seconds) * 1000);
}

function scalar(type: Scalar, value: WireValue, path: string): unknown {
  switch (type) {
    case 'int':
      return Number(BigInt.asIntN(64, varintOf(value, path)));
    case 'bool':
      return varintOf(value, path) !== 0n;
    case 'string':
      return utf8.decode(bytesOf(value, path));
    case 'bytes':
      return Buffer.from(bytesOf(value, path)).toString('base64');
    case 'time': {
      const seconds = fieldMap(bytesOf(value, path)).get(1);
      return seconds === undefined ? undefined : rfc3339(BigInt.asIntN(64, varintOf(seconds, `${path}.seconds`)));
    }
    case 'quantity': {
      const text = fieldMap(bytesOf(value, path)).get(1);
      return text === undefined ? '' : scalar('string', text, `${path}.string`);
    }
    case 'intOrString': {
      const f = fieldMap(bytesOf(value, path));
      const kind = f.get(1);
      // IntOrString.Type: 0 Int, 1 String.
      if (kind !== undefined && varintOf(kind, `${path}.type`) === 1n) {
        const s = f.get(3);
        return s === undefined ? '' : scalar('string', s, `${path}.strVal`);
      }
      const n = f.get(2);
      return n === undefined ? 0 : scalar('int', n, `${path}.intVal`);
    }
  }
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

function value(type: ValueType, wire: WireValue, path: string): unknown {
  return isMessage(type) ? decodeMessage(type, bytesOf(wire, path), path) : scalar(type, wire, path);
}

/** Elements of a repeated field; repeated ints may arrive packed (one length-delimited run). */
function listValues(type: ValueType, wire: WireValue, path: string): unknown[] {
  if ((type === 'int' || type === 'bool') && wire.wire === WIRE_BYTES) {
    return readPacked(wire.bytes).map((v) => scalar(type, { wire: 0, value: v }, path));
  }
  return [value(type, wire, path)];
}

function readPacked(bytes: Uint8Array): bigint[] {
  const reader = new Reader(bytes);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

/** A map entry; an absent key or value is the empty string, as Go's unmarshaller leaves it. */
function mapEntry(valueType: MapType['map'], wire: WireValue, path: string): [string, unknown] {
  const entry = fieldMap(bytesOf(wire, path));
  const key = entry.get(1);
  const keyText = key === undefined ? '' : (scalar('string', key, `${path}.key`) as string);
  const raw = entry.get(2);
  return [keyText, raw === undefined ? '' : scalar(valueType, raw, `${path}[${keyText}]`)];
}

function put(out: Rec, json: string, mode: Mode | undefined, type: FieldType, v: unknown): void {
  if (v === undefined) return;
  // Non-pointer scalars are always on the wire; their zero is Go's "unset" (omitempty).
  if (mode !== 'ptr' && !isMessage(type) && isZero(v)) return;
  out[json] = v;
}

export function decodeMessage(schema: Message, bytes: Uint8Array, path = ''): Rec {
  const out: Rec = {};
  for (const { field, value: wire } of readFields(bytes)) {
    const spec = schema.fields[field];
    if (!spec) {
      if (isZeroValue(wire)) continue;
      throw new UnknownFieldError(schema.name, field, path);
    }
    const [json, type, mode] = spec;
    const at = path ? `${path}.${json}` : json;
    if (mode === 'inline' && isMessage(type)) {
      Object.assign(out, decodeMessage(type, bytesOf(wire, at), path));
    } else if (isMap(type)) {
      const [key, v] = mapEntry(type.map, wire, at);
      const map = (out[json] ??= {}) as Rec;
      map[key] = v;
    } else if (mode === 'list') {
      const list = (out[json] ??= []) as unknown[];
      list.push(...listValues(type, wire, at));
    } else {
      put(out, json, mode, type, value(type, wire, at));
    }
  }
  return out;
}
