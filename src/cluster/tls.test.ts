import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateServingCertificates } from './tls.js';

describe('generateServingCertificates', () => {
  it('issues a server certificate for 127.0.0.1 and localhost signed by the returned CA', async () => {
    const certs = await generateServingCertificates(['127.0.0.1', 'localhost']);
    const ca = new X509Certificate(certs.caCertPem);
    const server = new X509Certificate(certs.certPem);

    expect(server.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('returns the private key matching the server certificate', async () => {
    const certs = await generateServingCertificates(['127.0.0.1']);
    const key = createPrivateKey(certs.keyPem);
    const server = new X509Certificate(certs.certPem);
    expect(server.checkPrivateKey(key)).toBe(true);
    expect(server.subjectAltName).toBe('IP Address:127.0.0.1');
  });

  it('creates a fresh CA each time', async () => {
    const [a, b] = await Promise.all([generateServingCertificates(), generateServingCertificates()]);
    expect(a.caCertPem).not.toBe(b.caCertPem);
  });
});
