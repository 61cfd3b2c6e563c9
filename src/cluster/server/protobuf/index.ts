/**
 * Kubernetes protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf), which
 * kubectl's typed commands send (create namespace|configmap|secret|deployment|service|job|
 * ingress). apimachinery's protobuf serializer frames an object as the 4-byte magic "k8s\0" and a
 * runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType},
 * raw being the kind's own message. We decode the kinds in KINDS into their JSON form; the
 * server answers in JSON, which kubectl accepts since it lists application/json in Accept.
 */
import type { KubeObject } from '../../../lib/kube-object.js';
import { ApiError, badRequest } from '../../store/errors.js';
import { decodeMessage, UnknownFieldError } from './decode.js';
import { configMap, namespace, pod, resourceQuota, secret, service, serviceAccount } from './kinds/core.js';
import { ingress } from './kinds/networking.js';
import { cronJob, deployment, job, scale } from './kinds/workloads.js';
import { message, type Message } from './schema.js';
import { readFields, WIRE_BYTES, WireError } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** apiVersion/kind → message schema. */
const KINDS: ReadonlyMap<string, Message> = new Map([
  ['v1/Namespace', namespace],
  ['v1/ConfigMap', configMap],
  ['v1/Secret', secret],
  ['v1/ServiceAccount', serviceAccount],
  ['v1/ResourceQuota', resourceQuota],
  ['v1/Pod', pod],
  ['v1/Service', service],
  ['apps/v1/Deployment', deployment],
  ['batch/v1/Job', job],
  ['batch/v1/CronJob', cronJob],
  ['autoscaling/v1/Scale', scale],
  ['networking.k8s.io/v1/Ingress', ingress],
]);

const typeMeta = message('TypeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] });

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

/** runtime.Unknown, read field by field: raw stays bytes (it is the kind's own message). */
function readEnvelope(bytes: Uint8Array): Envelope {
  const out: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '' };
  for (const { field, value } of readFields(bytes)) {
    if (value.wire !== WIRE_BYTES) throw new WireError(`runtime.Unknown field ${field}: expected a length-delimited value`);
    if (field === 1) Object.assign(out, decodeMessage(typeMeta, value.bytes, 'typeMeta'));
    else if (field === 2) out.raw = value.bytes;
    else if (field === 3) out.contentEncoding = new TextDecoder().decode(value.bytes);
  }
  return out;
}

/** 415 naming what this server decodes, so the user knows to send JSON/YAML instead. */
function unsupportedProtobuf(detail: string): ApiError {
  const message = `${detail}; the embedded cluster decodes protobuf for ${[...KINDS.keys()].join(', ')} — send other objects as JSON or YAML (e.g. kubectl create -f)`;
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'UnsupportedMediaType', code: 415 });
}

/** Decodes a protobuf request body into the JSON object its JSON form would be. */
export function decodeProtobufObject(body: Uint8Array): KubeObject {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    // Wording of apimachinery's protobuf serializer when the prefix is missing.
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  try {
    const { apiVersion, kind, raw, contentEncoding } = readEnvelope(body.subarray(MAGIC.length));
    if (contentEncoding) throw unsupportedProtobuf(`content encoding "${contentEncoding}" is not supported`);
    const schema = KINDS.get(`${apiVersion}/${kind}`);
    if (!schema) throw unsupportedProtobuf(`protobuf ${kind || '<no kind>'} in ${apiVersion || '<no apiVersion>'} is not supported`);
    const object = decodeMessage(schema, raw);
    return { apiVersion, kind, ...object, metadata: (object['metadata'] ?? {}) as KubeObject['metadata'] };
  } catch (err) {
    if (err instanceof UnknownFieldError) throw unsupportedProtobuf(err.message);
    if (err instanceof WireError) throw badRequest(`error decoding protobuf: ${err.message}`);
    throw err;
  }
}
