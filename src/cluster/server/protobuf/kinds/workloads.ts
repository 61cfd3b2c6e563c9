/**
 * apps/v1 Deployment, batch/v1 Job and CronJob, and autoscaling/v1 Scale (k8s.io/api
 * apps/v1, batch/v1 and autoscaling/v1 generated.proto).
 */
import { EMPTY, message } from '../schema.js';
import { kind, labelSelector, objectMeta, podTemplateSpec } from './core.js';

const rollingUpdateDeployment = message('RollingUpdateDeployment', {
  1: ['maxUnavailable', 'intOrString', 'ptr'],
  2: ['maxSurge', 'intOrString', 'ptr'],
});

export const deployment = kind('Deployment', {
  2: [
    'spec',
    message('DeploymentSpec', {
      1: ['replicas', 'int', 'ptr'],
      2: ['selector', labelSelector],
      3: ['template', podTemplateSpec],
      4: ['strategy', message('DeploymentStrategy', { 1: ['type', 'string'], 2: ['rollingUpdate', rollingUpdateDeployment] })],
      5: ['minReadySeconds', 'int'],
      6: ['revisionHistoryLimit', 'int', 'ptr'],
      7: ['paused', 'bool'],
      9: ['progressDeadlineSeconds', 'int', 'ptr'],
    }),
  ],
  3: ['status', EMPTY('DeploymentStatus')],
});

const jobSpec = message('JobSpec', {
  1: ['parallelism', 'int', 'ptr'],
  2: ['completions', 'int', 'ptr'],
  3: ['activeDeadlineSeconds', 'int', 'ptr'],
  4: ['selector', labelSelector],
  5: ['manualSelector', 'bool', 'ptr'],
  6: ['template', podTemplateSpec],
  7: ['backoffLimit', 'int', 'ptr'],
  8: ['ttlSecondsAfterFinished', 'int', 'ptr'],
  9: ['completionMode', 'string', 'ptr'],
  10: ['suspend', 'bool', 'ptr'],
  12: ['backoffLimitPerIndex', 'int', 'ptr'],
  13: ['maxFailedIndexes', 'int', 'ptr'],
  14: ['podReplacementPolicy', 'string', 'ptr'],
  15: ['managedBy', 'string', 'ptr'],
});

export const job = kind('Job', { 2: ['spec', jobSpec], 3: ['status', EMPTY('JobStatus')] });

export const cronJob = kind('CronJob', {
  2: [
    'spec',
    message('CronJobSpec', {
      1: ['schedule', 'string'],
      2: ['startingDeadlineSeconds', 'int', 'ptr'],
      3: ['concurrencyPolicy', 'string'],
      4: ['suspend', 'bool', 'ptr'],
      5: ['jobTemplate', message('JobTemplateSpec', { 1: ['metadata', objectMeta], 2: ['spec', jobSpec] })],
      6: ['successfulJobsHistoryLimit', 'int', 'ptr'],
      7: ['failedJobsHistoryLimit', 'int', 'ptr'],
      8: ['timeZone', 'string', 'ptr'],
    }),
  ],
  3: ['status', EMPTY('CronJobStatus')],
});

export const scale = kind('Scale', {
  2: ['spec', message('ScaleSpec', { 1: ['replicas', 'int'] })],
  3: ['status', EMPTY('ScaleStatus')],
});
