/**
 * The protobuf wire format, read side: a tag is a varint (field number << 3 | wire type) and the
 * value is a varint (0), 8 bytes (1), a varint length then that many bytes (2) or 4 bytes (5).
 * Groups (3, 4) are not used by any Kubernetes message, so they are rejected as malformed.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** Malformed bytes (truncated, bad wire type); the caller turns it into a 400 like apiserver's decoder. */
export class WireError extends Error {
  override name = 'WireError';
}

/** One field occurrence: a varint value, or the raw bytes of a length-delimited or fixed value. */
export type WireValue = { wire: 0; value: bigint } | { wire: 1 | 2 | 5; bytes: Uint8Array };

export interface WireField {
  field: number;
  value: WireValue;
}

export class Reader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Unsigned 64-bit varint; int32/int64 negatives arrive as 10-byte two's complement. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new WireError('unexpected end of data in a varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new WireError('unexpected end of data in a field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): WireField {
    const tag = this.varint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new WireError('field number 0 is not valid');
    switch (wire) {
      case WIRE_VARINT:
        return { field, value: { wire: 0, value: this.varint() } };
      case WIRE_FIXED64:
        return { field, value: { wire: 1, bytes: this.take(8) } };
      case WIRE_BYTES:
        return { field, value: { wire: 2, bytes: this.take(Number(this.varint())) } };
      case WIRE_FIXED32:
        return { field, value: { wire: 5, bytes: this.take(4) } };
      default:
        throw new WireError(`unsupported wire type ${wire} for field ${field}`);
    }
  }
}

/** Every field of a message, in wire order (repeated fields appear once per element). */
export function readFields(buf: Uint8Array): WireField[] {
  const reader = new Reader(buf);
  const fields: WireField[] = [];
  while (!reader.done) fields.push(reader.next());
  return fields;
}

/**
 * True when a value carries nothing: 0, empty bytes, or a nested message whose fields are all
 * zero. Go's generated marshallers write every non-pointer field, zero or not, so a client
 * built against a newer API sends fields we do not know with zero values; those are safe to skip.
 */
export function isZeroValue(value: WireValue): boolean {
  if (value.wire === WIRE_VARINT) return value.value === 0n;
  if (value.bytes.every((b) => b === 0)) return true;
  if (value.wire !== WIRE_BYTES) return false;
  try {
    return readFields(value.bytes).every((f) => isZeroValue(f.value));
  } catch {
    return false;
  }
}
