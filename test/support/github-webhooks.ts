import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

// GitHub's real webhook payloads, as published in @octokit/webhooks-examples.
const require = createRequire(import.meta.url);
const catalogue = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** The first published example of `name` (with `action`, when given). */
export function examplePayload(name: string, action?: string): Record<string, unknown> {
  const found = catalogue
    .find((e) => e.name === name)
    ?.examples.find((x) => action === undefined || x.action === action);
  if (found === undefined)
    throw new Error(`no @octokit/webhooks-examples payload for ${name}${action === undefined ? '' : `.${action}`}`);
  return structuredClone(found);
}

/** A delivery as GitHub sends it: the JSON body and its headers, signed with `secret`. */
export async function signedDelivery(secret: string, name: string, payload: unknown, delivery: string = randomUUID()) {
  const body = JSON.stringify(payload);
  return {
    body,
    delivery,
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': delivery,
      'x-hub-signature-256': await sign(secret, body),
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}
