/**
 * How message schemas are written: a table {fieldNumber: [jsonName, type, mode?]} per message,
 * transcribed from the field numbers in k8s.io/api's and apimachinery's generated.proto (those
 * numbers are the wire contract) with the JSON names and pointer-ness of the Go types.
 */

/**
 * Leaf types. time, quantity and intOrString are messages on the wire that have a scalar JSON
 * form: metav1.Time {1 seconds, 2 nanos} is an RFC 3339 string, resource.Quantity {1 string} its
 * string, intstr.IntOrString {1 type, 2 intVal, 3 strVal} a number or a string.
 */
export type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'quantity' | 'intOrString';

/** map<string, V>: on the wire a repeated entry message {1 key, 2 value}; V is string-like in the kinds we decode. */
export interface MapType {
  readonly map: 'string' | 'bytes' | 'quantity';
}

export interface Message {
  readonly name: string;
  readonly fields: Readonly<Record<number, Field>>;
}

export type FieldType = Scalar | MapType | Message;

/**
 * ptr: a Go pointer field — present on the wire only when set, so a zero value is kept
 * (`replicas: 0`); other scalar fields are always written and a zero means unset (omitempty).
 * list: a repeated field. inline: an embedded struct whose fields JSON flattens into the parent
 * (`json:",inline"`, e.g. Volume's VolumeSource, Probe's ProbeHandler).
 */
export type Mode = 'ptr' | 'list' | 'inline';

export type Field = readonly [json: string, type: FieldType, mode?: Mode];

export function message(name: string, fields: Record<number, Field>): Message {
  return { name, fields };
}

export const STRING_MAP: MapType = { map: 'string' };
export const BYTES_MAP: MapType = { map: 'bytes' };
export const QUANTITY_MAP: MapType = { map: 'quantity' };

/** A message decoded as {} whatever it holds at zero — statuses clients send empty on create. */
export const EMPTY = (name: string): Message => message(name, {});
