/**
 * Secret values never leave kubespy unless asked (`--show-secrets`, design.md §5): the keys of
 * `data` and `stringData` are kept (which keys exist is what a user debugs), the values replaced.
 * kubectl apply's last-applied-configuration annotation holds the whole Secret in clear text, so
 * it goes too.
 */
import type { KubeObject } from '../lib/kube-object.js';

export const REDACTED = 'REDACTED';
/** base64("REDACTED"): `data` values stay valid base64, so the object still decodes. */
const REDACTED_BASE64 = Buffer.from(REDACTED).toString('base64');
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function replaceValues(map: unknown, value: string): unknown {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return map;
  return Object.fromEntries(Object.keys(map).map((key) => [key, value]));
}

/** The object with Secret values replaced; any other object is returned as it is. */
export function redactSecret<T extends KubeObject>(object: T): T {
  if (object.kind !== 'Secret' || (object.apiVersion !== undefined && object.apiVersion !== 'v1')) return object;
  const copy: KubeObject = { ...object, metadata: { ...object.metadata } };
  if ('data' in copy) copy.data = replaceValues(copy.data, REDACTED_BASE64);
  if ('stringData' in copy) copy.stringData = replaceValues(copy.stringData, REDACTED);
  const annotations = copy.metadata.annotations;
  if (annotations && LAST_APPLIED in annotations) {
    copy.metadata.annotations = { ...annotations, [LAST_APPLIED]: REDACTED };
  }
  return copy as T;
}
