#!/usr/bin/env node
// Node ≥ 22.1 can keep the bundle's compiled code on disk between runs (module.enableCompileCache,
// the start-up budget of issue 6); on Node 20 it does not exist and this is a no-op. It must run
// before the bundle is loaded, hence the dynamic import below.
import module from 'node:module';

if (typeof module.enableCompileCache === 'function') module.enableCompileCache();
await import('../dist/kubespy.mjs');
