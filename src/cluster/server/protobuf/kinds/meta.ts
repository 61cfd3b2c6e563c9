/** meta.k8s.io/v1 messages (apimachinery pkg/apis/meta/v1/generated.proto). */
import { message, STRING_MAP } from '../schema.js';

export const ownerReference = message('OwnerReference', {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool', 'ptr'],
  7: ['blockOwnerDeletion', 'bool', 'ptr'],
});

export const objectMeta = message('ObjectMeta', {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  4: ['selfLink', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time', 'ptr'],
  10: ['deletionGracePeriodSeconds', 'int', 'ptr'],
  11: ['labels', STRING_MAP],
  12: ['annotations', STRING_MAP],
  13: ['ownerReferences', ownerReference, 'list'],
  14: ['finalizers', 'string', 'list'],
});

const labelSelectorRequirement = message('LabelSelectorRequirement', {
  1: ['key', 'string'],
  2: ['operator', 'string'],
  3: ['values', 'string', 'list'],
});

export const labelSelector = message('LabelSelector', {
  1: ['matchLabels', STRING_MAP],
  2: ['matchExpressions', labelSelectorRequirement, 'list'],
});
