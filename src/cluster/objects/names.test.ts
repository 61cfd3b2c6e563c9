import { describe, expect, it } from 'vitest';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName } from './names.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('name syntax (apimachinery util/validation wording)', () => {
  it.each([
    { name: 'subdomain ok with dots', fn: isDNS1123Subdomain, value: 'web.example-1', want: [] },
    { name: 'subdomain rejects upper case and _', fn: isDNS1123Subdomain, value: 'Foo_Bar', want: [SUBDOMAIN_MSG] },
    { name: 'subdomain too long', fn: isDNS1123Subdomain, value: 'a'.repeat(254), want: ['must be no more than 253 characters'] },
    { name: 'label rejects dots', fn: isDNS1123Label, value: 'a.b', want: [LABEL_MSG] },
    { name: 'label too long', fn: isDNS1123Label, value: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
    { name: 'DNS-1035 needs a leading letter', fn: isDNS1035Label, value: '1web', want: [DNS1035_MSG] },
    { name: 'DNS-1035 ok', fn: isDNS1035Label, value: 'web-1', want: [] },
  ])('$name', ({ fn, value, want }) => {
    expect(fn(value)).toEqual(want);
  });

  it.each([
    { value: 'app', want: [] },
    { value: 'app.kubernetes.io/name', want: [] },
    {
      value: 'bad key',
      want: [
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    { value: '/x', want: ['prefix part must be non-empty'] },
  ])('qualified name $value', ({ value, want }) => {
    expect(isQualifiedName(value)).toEqual(want);
  });

  it.each([
    { value: '', want: [] },
    { value: 'v1.2_3', want: [] },
    {
      value: 'bad value',
      want: [
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    },
  ])('label value "$value"', ({ value, want }) => {
    expect(isValidLabelValue(value)).toEqual(want);
  });

  it.each([
    { value: 'http', want: [] },
    {
      value: 'HTTP',
      want: ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)'],
    },
    { value: '8080', want: ['must contain at least one letter (a-z)'] },
    { value: 'a--b', want: ['must not contain consecutive hyphens'] },
    { value: 'very-long-port-name', want: ['must be no more than 15 characters'] },
  ])('port name $value', ({ value, want }) => {
    expect(isValidPortName(value)).toEqual(want);
  });

  it.each([
    { value: 'app.properties', want: [] },
    { value: '..x', want: ["must not start with '..'"] },
    {
      value: 'a/b',
      want: [
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    },
  ])('config key $value', ({ value, want }) => {
    expect(isConfigMapKey(value)).toEqual(want);
  });
});
