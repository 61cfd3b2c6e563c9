// Bundles the CLI into one ESM file. Bundling matters for start-up time: a bare import of
// @kubernetes/client-node costs ~0.9 s on these machines, ~0.3 s bundled (issue 6).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/kubespy.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle need a real `require`.
  banner: {
    js: "import { createRequire as __kubespyCreateRequire } from 'node:module'; const require = __kubespyCreateRequire(import.meta.url);",
  },
});
