/**
 * GET /version. The kubectl on these machines is a dispatcher that runs kubectl 1.<minor> from
 * this answer (kubectl-wire-notes.md), so the minor must be one it ships (27–33).
 */
export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:58:49Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;
