import { generateKeyPairSync } from 'node:crypto';

let key: string | undefined;

/** An RSA key in the PEM GitHub hands out for an App; made once per test file (it takes a moment). */
export function testAppPrivateKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

/** The environment of a server configured as the GitHub App, with this webhook secret. */
export function githubAppEnv(secret: string): Record<string, string> {
  return { WEBHOOK_SECRET: secret, APP_ID: '12345', PRIVATE_KEY: testAppPrivateKey() };
}
