import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

// AWS's published description of KMS (botocore's service-2.json), cut to the operations
// the AWS driver calls: the double checks every request against it, and its own answers too.
const require = createRequire(import.meta.url);
const api = require('./aws-kms-api.json') as ApiDescription;

interface Shape {
  type: 'structure' | 'string' | 'blob' | 'integer' | 'long' | 'boolean' | 'list' | 'map' | 'timestamp';
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
}
interface ApiDescription {
  metadata: { jsonVersion: string; targetPrefix: string; endpointPrefix: string };
  operations: Record<string, { input: { shape: string }; output?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

/** Everything about `value` that the description's `shapeName` says is wrong, with its path. */
function violationsOf(value: unknown, shapeName: string, path: string): string[] {
  const shape = api.shapes[shapeName];
  if (shape === undefined) return [`${path}: no shape ${shapeName} in the description`];
  const bounded = (n: number, what: string) =>
    (shape.min !== undefined && n < shape.min) || (shape.max !== undefined && n > shape.max)
      ? [`${path}: ${what} ${n} outside ${shape.min ?? '-'}..${shape.max ?? '-'}`]
      : [];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const record = value as Record<string, unknown>;
      return [
        ...(shape.required ?? []).filter((m) => record[m] === undefined).map((m) => `${path}.${m}: required`),
        ...Object.entries(record).flatMap(([name, v]) => {
          const member = shape.members?.[name];
          return member === undefined
            ? [`${path}.${name}: not a member of ${shapeName}`]
            : violationsOf(v, member.shape, `${path}.${name}`);
        }),
      ];
    }
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      if (shape.enum !== undefined && !shape.enum.includes(value))
        return [`${path}: "${value}" is not one of ${shape.enum.join(', ')}`];
      return bounded(value.length, 'length');
    case 'blob': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return [`${path}: expected base64`];
      return bounded(Buffer.from(value, 'base64').length, 'bytes');
    }
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? bounded(value as number, 'value') : [`${path}: expected an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'timestamp':
      return typeof value === 'number' ? [] : [`${path}: expected epoch seconds`];
    case 'list':
      return Array.isArray(value)
        ? [
            ...bounded(value.length, 'items'),
            ...value.flatMap((v, i) => violationsOf(v, shape.member?.shape ?? '', `${path}[${i}]`)),
          ]
        : [`${path}: expected a list`];
    case 'map':
      return typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) => [
            ...violationsOf(k, shape.key?.shape ?? '', `${path} key`),
            ...violationsOf(v, shape.value?.shape ?? '', `${path}.${k}`),
          ])
        : [`${path}: expected a map`];
  }
}

// How the AWS SDKs sign: SigV4 in the Authorization header, for the kms service.
const authorization =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/kms\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

function headerViolations(headers: IncomingHttpHeaders, region: string): string[] {
  const problems: string[] = [];
  if (headers['content-type'] !== `application/x-amz-json-${api.metadata.jsonVersion}`)
    problems.push(
      `content-type: expected application/x-amz-json-${api.metadata.jsonVersion}, got ${headers['content-type'] ?? 'none'}`,
    );
  const auth = authorization.exec(headers.authorization ?? '');
  if (auth === null) problems.push('authorization: expected an AWS4-HMAC-SHA256 signature for kms');
  else {
    if (auth[3] !== region) problems.push(`authorization: signed for region ${auth[3]}, the endpoint is in ${region}`);
    const signed = (auth[4] ?? '').split(';');
    for (const h of ['host', 'x-amz-date', 'x-amz-target', 'content-type'])
      if (!signed.includes(h)) problems.push(`authorization: ${h} is not among the signed headers`);
  }
  if (!/^\d{8}T\d{6}Z$/.test(String(headers['x-amz-date'] ?? '')))
    problems.push('x-amz-date: expected YYYYMMDDTHHMMSSZ');
  return problems;
}

interface DoubleKey {
  keyId: string;
  arn: string;
  privateKey: KeyObject;
  spki: Buffer;
  state: 'Enabled' | 'Disabled' | 'PendingDeletion';
  description: string;
  tags: Array<{ TagKey: string; TagValue: string }>;
}

export interface AwsKmsDouble {
  endpoint: string;
  region: string;
  /** The operations called, in order, with the body each carried. */
  readonly calls: Array<{ operation: string; body: Record<string, unknown> }>;
  /** What the description says was wrong in a request, or in an answer of the double's own. */
  readonly violations: string[];
  readonly keys: ReadonlyMap<string, DoubleKey>;
  close(): Promise<void>;
}

class KmsFault extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

/**
 * A double of AWS KMS on the JSON 1.1 protocol (POST /, X-Amz-Target: TrentService.<Op>)
 * for the operations the AWS driver uses: CreateKey, GetPublicKey, Sign, DisableKey and
 * ScheduleKeyDeletion, with Ed25519 keys (ECC_NIST_EDWARDS25519) and real signatures.
 * Anything else is an UnknownOperationException, as KMS answers it.
 */
export async function startAwsKmsDouble(opts: { region?: string; account?: string } = {}): Promise<AwsKmsDouble> {
  const region = opts.region ?? 'eu-west-1';
  const account = opts.account ?? '111122223333';
  const keys = new Map<string, DoubleKey>();
  const calls: AwsKmsDouble['calls'] = [];
  const violations: string[] = [];

  const keyOf = (keyId: unknown): DoubleKey => {
    const id = String(keyId).replace(`arn:aws:kms:${region}:${account}:key/`, '');
    const key = keys.get(id);
    if (key === undefined) throw new KmsFault('NotFoundException', `Key '${String(keyId)}' does not exist`);
    return key;
  };
  const enabled = (key: DoubleKey) => {
    if (key.state === 'Disabled') throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion')
      throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return key;
  };
  const metadata = (key: DoubleKey) => ({
    AWSAccountId: account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: Math.floor(Date.now() / 1000),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'SIGN_VERIFY',
    KeyState: key.state,
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    // No CustomerMasterKeySpec: the deprecated field's enum has no Ed25519 (the description says so).
    KeySpec: 'ECC_NIST_EDWARDS25519',
    SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
    MultiRegion: false,
  });

  const operations: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    CreateKey(body) {
      if (body.KeySpec !== 'ECC_NIST_EDWARDS25519' || body.KeyUsage !== 'SIGN_VERIFY')
        throw new KmsFault(
          'UnsupportedOperationException',
          'this double makes ECC_NIST_EDWARDS25519 SIGN_VERIFY keys only',
        );
      const pair = generateKeyPairSync('ed25519');
      const keyId = randomUUID();
      const key: DoubleKey = {
        keyId,
        arn: `arn:aws:kms:${region}:${account}:key/${keyId}`,
        privateKey: pair.privateKey,
        spki: pair.publicKey.export({ format: 'der', type: 'spki' }),
        state: 'Enabled',
        description: typeof body.Description === 'string' ? body.Description : '',
        tags: (body.Tags as DoubleKey['tags'] | undefined) ?? [],
      };
      keys.set(keyId, key);
      return { KeyMetadata: metadata(key) };
    },
    GetPublicKey(body) {
      const key = enabled(keyOf(body.KeyId));
      return {
        KeyId: key.arn,
        PublicKey: key.spki.toString('base64'),
        KeySpec: 'ECC_NIST_EDWARDS25519',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
      };
    },
    Sign(body) {
      const key = enabled(keyOf(body.KeyId));
      if (body.SigningAlgorithm !== 'ED25519_SHA_512')
        throw new KmsFault(
          'InvalidKeyUsageException',
          `${String(body.SigningAlgorithm)} is not what this double signs with`,
        );
      // AWS: "ED25519_SHA_512 signing algorithm requires KMS MessageType:RAW".
      if (body.MessageType !== undefined && body.MessageType !== 'RAW')
        throw new KmsFault('ValidationException', 'ED25519_SHA_512 requires MessageType RAW');
      const message = Buffer.from(String(body.Message), 'base64');
      return {
        KeyId: key.arn,
        Signature: sign(null, message, key.privateKey).toString('base64'),
        SigningAlgorithm: 'ED25519_SHA_512',
      };
    },
    DisableKey(body) {
      const key = keyOf(body.KeyId);
      if (key.state === 'PendingDeletion')
        throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
      key.state = 'Disabled';
      return {};
    },
    ScheduleKeyDeletion(body) {
      const key = keyOf(body.KeyId);
      const days = (body.PendingWindowInDays as number | undefined) ?? 30;
      // The API reference: "enter a value between 7 and 30 days" (the model's bounds are wider).
      if (days < 7 || days > 30)
        throw new KmsFault('ValidationException', 'PendingWindowInDays must be between 7 and 30');
      if (key.state === 'PendingDeletion')
        throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
      key.state = 'PendingDeletion';
      return {
        KeyId: key.arn,
        DeletionDate: Math.floor(Date.now() / 1000) + days * 86_400,
        KeyState: 'PendingDeletion',
        PendingWindowInDays: days,
      };
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, {
          'content-type': `application/x-amz-json-${api.metadata.jsonVersion}`,
          'x-amzn-requestid': randomUUID(),
          ...(type === undefined ? {} : { 'x-amzn-errortype': type }),
        });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(`${api.metadata.targetPrefix}.`)
        ? target.slice(api.metadata.targetPrefix.length + 1)
        : '';
      const described = api.operations[operation];
      const handle = operations[operation];
      if (req.method !== 'POST' || req.url !== '/' || described === undefined || handle === undefined) {
        violations.push(
          `${req.method ?? '?'} ${req.url ?? '?'} ${target}: not an operation the driver is expected to call`,
        );
        answer(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        violations.push(`${operation}: the body is not JSON`);
        answer(400, { __type: 'SerializationException' }, 'SerializationException');
        return;
      }
      const problems = [
        ...headerViolations(req.headers, region),
        ...violationsOf(body, described.input.shape, operation),
      ];
      calls.push({ operation, body });
      if (problems.length > 0) {
        violations.push(...problems);
        answer(400, { __type: 'ValidationException', message: problems.join('; ') }, 'ValidationException');
        return;
      }
      try {
        const output = handle(body);
        if (described.output !== undefined)
          violations.push(...violationsOf(output, described.output.shape, `${operation} answer`));
        answer(200, output);
      } catch (err) {
        if (!(err instanceof KmsFault)) throw err;
        answer(400, { __type: err.type, message: err.message }, err.type);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    calls,
    violations,
    keys,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
