/** ConfigMap (core/v1): no defaults; key names, size, immutability. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { invalid } from './field-errors.js';
import { isObject } from './json.js';
import { MAX_DATA_BYTES, tooLong, validateDataKeys, validateImmutableData } from './data-keys.js';

export function validateConfigMap(configMap: KubeObject, previous?: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  let size = validateDataKeys(configMap, 'data', causes);
  size += validateDataKeys(configMap, 'binaryData', causes);
  const data = configMap.data;
  const binary = configMap.binaryData;
  if (isObject(data) && isObject(binary)) {
    for (const key of Object.keys(data)) {
      if (key in binary) causes.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    }
  }
  if (size > MAX_DATA_BYTES) causes.push(tooLong('data'));
  causes.push(...validateImmutableData(configMap, previous, ['data', 'binaryData']));
  return causes;
}
