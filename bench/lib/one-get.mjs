// The floor for any Node.js tool (issue 6, start-up): Node's own start, node:https, one TLS
// connection and one GET of the Service, its name printed — what `kubectl get svc NAME` does, with
// nothing else. Usage: node one-get.mjs KUBECONFIG.json NAMESPACE NAME (the kubeconfig in JSON, as
// the embedded cluster writes it: one cluster with certificate-authority-data, one token user).
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [file, namespace, name] = process.argv.slice(2);
const config = JSON.parse(readFileSync(file, 'utf8'));
const cluster = config.clusters[0].cluster;
const user = config.users[0].user;
const url = new URL(`${cluster.server}/api/v1/namespaces/${namespace}/services/${name}`);
const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
https
  .get(url, { ca, headers: { Authorization: `Bearer ${user.token}`, Accept: 'application/json' } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => process.stdout.write(`${JSON.parse(body).metadata.name} found\n`));
  })
  .on('error', (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
