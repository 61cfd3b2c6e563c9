/**
 * The 50 watchers of the capacity benchmark, in a process of their own so their parsing does not
 * run on the API server's event loop. Opens N label-selected Pod watches (shard=0 … shard=N-1),
 * each from a given resourceVersion, and prints a JSON line of totals every 500 ms: events
 * received, watches still open, and delivery lag (now − the write's timestamp annotation) since
 * the start or the last SIGUSR2.
 *
 *   node --import tsx bench/watchers.ts URL TOKEN CA_FILE NAMESPACE COUNT RESOURCE_VERSION
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { WRITTEN_AT_ANNOTATION } from './lib/churn.js';

const [url = '', token = '', caFile = '', namespace = '', countText = '50', resourceVersion = '0'] = process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');
const lags: number[] = [];
let events = 0;
let open = 0;
let errors = 0;

function watch(shard: number): void {
  const path = `/api/v1/namespaces/${namespace}/pods?watch=true&labelSelector=shard%3D${shard}&resourceVersion=${resourceVersion}`;
  const req = request(new URL(path, url), { ca, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (res) => {
    if (res.statusCode !== 200) {
      errors++;
      res.resume();
      return;
    }
    open++;
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        const event = JSON.parse(line) as { type: string; object: { metadata?: { annotations?: Record<string, string> } } };
        if (event.type !== 'MODIFIED') continue;
        events++;
        const at = Number(event.object.metadata?.annotations?.[WRITTEN_AT_ANNOTATION]);
        if (Number.isFinite(at)) lags.push(Date.now() - at);
      }
    });
    res.on('end', () => open--);
  });
  req.on('error', () => errors++);
  req.end();
}

for (let shard = 0; shard < Number(countText); shard++) watch(shard);
// SIGUSR2 starts a new phase: lag statistics cover the writes since.
process.on('SIGUSR2', () => {
  lags.length = 0;
});
setInterval(() => {
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
  process.stdout.write(`${JSON.stringify({ events, open, errors, lagP50: at(50), lagP99: at(99), lagMax: sorted.at(-1) ?? null })}\n`);
}, 500);
