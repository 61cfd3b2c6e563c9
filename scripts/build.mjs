// Bundles the CLI as ESM with code splitting. Bundling matters for start-up time: a bare import
// of @kubernetes/client-node costs ~0.9 s on these machines, ~0.3 s bundled (issue 6). Splitting
// matters too: the embedded cluster and @peculiar/x509 (its CA) are half the code but only
// `kubespy cluster` and `kubespy demo` need them; they import it with `await import()`, so it
// lands in a chunk that `trace`, `status`, … never parse. The entry stays dist/kubespy.mjs
// (bin/kubespy.js and the tests load it).
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: { kubespy: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  // Not minified: once split, minifying measured no faster start-up (`trace --help`, 30 runs
  // interleaved), and --debug stack traces stay readable.
  minify: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // src/cluster/tls.ts loads @peculiar/x509 with `import()`. It resolves to CommonJS under Node,
  // and esbuild gives a split-off CommonJS module a default export only (Node would add the named
  // ones), so bundle its ES module build (same API) instead. (js-yaml's exports map already
  // gives esbuild its ES module build for `import`.)
  alias: {
    '@peculiar/x509': '@peculiar/x509/build/x509.es.js',
  },
  // CommonJS dependencies inside an ESM bundle need a real `require` (in every chunk: esbuild
  // prepends the banner to each output file).
  banner: {
    js: "import { createRequire as __kubespyCreateRequire } from 'node:module'; const require = __kubespyCreateRequire(import.meta.url);",
  },
});

// Chunk names carry a content hash: drop chunks of earlier builds (after writing the new ones, so
// a kubespy already running from dist/ keeps finding its chunks).
const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(file)));
for (const file of await readdir('dist/chunks')) {
  const full = path.resolve('dist/chunks', file);
  if (!written.has(full)) await rm(full, { force: true });
}
