/**
 * Serving certificates for the embedded API server: a throw-away CA plus a server certificate it
 * signs, like the self-signed CA kubeadm/kind generate. The CA goes into the kubeconfig
 * (certificate-authority-data), so clients verify TLS for real instead of skipping it.
 *
 * ECDSA P-256 keys via Node's WebCrypto: generating them takes a few milliseconds, unlike RSA.
 */
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';

export interface ServingCertificates {
  caCertPem: string;
  certPem: string;
  /** PKCS#8 PEM of the server certificate's private key. */
  keyPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

// @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto implements the same API.
type DomCrypto = NonNullable<Parameters<typeof X509.X509CertificateGenerator.create>[1]>;
type KeyPair = X509.X509CertificateCreateSelfSignedParams['keys'];
const crypto = webcrypto as unknown as DomCrypto;

type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: object, property?: PropertyKey) => unknown;
  getOwnMetadata?: (key: unknown, target: object, property?: PropertyKey) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object, property?: PropertyKey) => void;
};

/**
 * @peculiar/x509 registers its algorithms with tsyringe, which refuses to load without the
 * `reflect-metadata` polyfill (not a dependency here). tsyringe only needs get/getOwn/define,
 * so a small WeakMap-backed stand-in is installed when no real polyfill is present.
 */
function ensureReflectMetadata(): void {
  const r = Reflect as MetadataReflect;
  if (typeof r.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<string, Map<unknown, unknown>>>();
  const own = (target: object, property: PropertyKey | undefined, create: boolean) => {
    let byProperty = store.get(target);
    if (!byProperty && create) store.set(target, (byProperty = new Map()));
    let map = byProperty?.get(String(property));
    if (!map && create && byProperty) byProperty.set(String(property), (map = new Map()));
    return map;
  };
  r.defineMetadata = (key, value, target, property) => {
    own(target, property, true)?.set(key, value);
  };
  r.getOwnMetadata = (key, target, property) => own(target, property, false)?.get(key);
  r.getMetadata = (key, target, property) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const map = own(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}

let x509Module: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  ensureReflectMetadata();
  return (x509Module ??= import('@peculiar/x509'));
}

function serial(): string {
  // Positive 16-byte serial (RFC 5280 §4.1.2.2): clear the top bit.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function toPem(der: ArrayBuffer, tag: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${tag}-----\n${b64}\n-----END ${tag}-----\n`;
}

/**
 * Creates a CA and a server certificate valid for `hosts` (IP addresses become IP SANs, anything
 * else DNS SANs — Go's TLS stack, i.e. kubectl, matches 127.0.0.1 only against an IP SAN).
 */
export async function generateServingCertificates(
  hosts: string[] = ['127.0.0.1', 'localhost'],
): Promise<ServingCertificates> {
  const x509 = await loadX509();
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock skew
  const notAfter = new Date(Date.now() + 365 * DAY_MS);

  const caKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: 'CN=kubespy-ca',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const serverKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const names = hosts.map((host) => ({ type: isIP(host) ? ('ip' as const) : ('dns' as const), value: host }));
  const server = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: 'CN=kubespy-apiserver',
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(names, false),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const keyDer = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caCertPem: ca.toString('pem') + '\n',
    certPem: server.toString('pem') + '\n',
    keyPem: toPem(keyDer, 'PRIVATE KEY'),
  };
}
