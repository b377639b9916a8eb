import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

// Slack's published description of its Web API (slackapi/slack-api-specs, OpenAPI 2.0), cut
// to chat.postMessage: the double checks every request against the method's parameters and
// content types, and its own answers against the method's response schemas.
const require = createRequire(import.meta.url);
const api = require('./slack-web-api.json') as Description;

interface Parameter {
  in: 'header' | 'formData';
  name: string;
  required?: boolean;
  type: 'string' | 'boolean';
}
interface Description {
  basePath: string;
  paths: Record<
    string,
    { post: { consumes: string[]; parameters: Parameter[]; responses: Record<'200' | 'default', { schema: object }> } }
  >;
  definitions: Record<string, object>;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats.default(ajv);
ajv.addSchema({ definitions: api.definitions }, 'slack');
const refs = (schema: object) =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"slack#/definitions/')) as object;

/**
 * What the double answers instead of posting: `ratelimited` is HTTP 429 with Retry-After, as
 * Slack rate-limits; `unavailable` a 503, as when Slack is down; the rest are errors the
 * description lists for chat.postMessage.
 */
export type SlackTrouble = 'ratelimited' | 'unavailable' | 'channel_not_found' | 'not_in_channel' | 'is_archived';

export interface SlackMessage {
  channel: string;
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; elements?: { type: string; text: string }[] }[];
  ts: string;
}

/**
 * A faithful double of Slack's Web API for chat.postMessage on a local port: the bot
 * token in the Authorization header, the parameters and content types the description
 * lists, Block Kit's limits, and text escaped for mrkdwn (`&`, `<`, `>` only as Slack's
 * own control sequences). Anything off is a violation, and tests assert there are none.
 */
export interface SlackDouble {
  /** The Web API's base URL, for WebClient's `slackApiUrl`. */
  readonly url: string;
  /** Messages posted, in order. */
  readonly messages: SlackMessage[];
  /** Every call as answered: the method, the HTTP status and Slack's error, if any. */
  readonly calls: { method: string; status: number; error?: string }[];
  readonly violations: string[];
  /** Answers the next `times` calls (default 1) with `trouble` instead of posting. */
  failNext(trouble: SlackTrouble, opts?: { times?: number; retryAfter?: number }): void;
  close(): Promise<void>;
}

const escapedAmpersand = /&(?!amp;|lt;|gt;)/;
// Slack's control sequences, the only `<…>` mrkdwn may hold: user, channel and group
// mentions, special mentions, and links (with an optional label).
const controlSequence =
  /^<(?:[@#][A-Z0-9]+(?:\|[^<>]*)?|!(?:here|channel|everyone|subteam\^[A-Z0-9]+)(?:\|[^<>]*)?|(?:https?|mailto):[^<>|\s]+(?:\|[^<>]*)?)>$/;

/** Whatever in `text` is not escaped for mrkdwn, as Slack's formatting documentation requires. */
function mrkdwnProblems(text: string, path: string): string[] {
  const problems: string[] = [];
  if (escapedAmpersand.test(text)) problems.push(`${path}: "&" not escaped as &amp;`);
  const unmatched = text.replace(/<[^<>]*>/g, (sequence) => {
    if (!controlSequence.test(sequence))
      problems.push(`${path}: "${sequence.slice(0, 40)}" is not a Slack control sequence`);
    return '';
  });
  if (/[<>]/.test(unmatched)) problems.push(`${path}: "<" or ">" not escaped as &lt; / &gt;`);
  return problems;
}

/** Block Kit's limits for the blocks alerts send (header, section, context, divider). */
function blockProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks: not a JSON array'];
  const problems: string[] = [];
  if (blocks.length > 50) problems.push(`blocks: ${blocks.length} blocks, at most 50`);
  blocks.forEach((block: SlackMessage['blocks'][number], i) => {
    const at = `blocks[${i}]`;
    if (block.type === 'header') {
      if (block.text?.type !== 'plain_text') problems.push(`${at}.text: a header's text is plain_text`);
      if ((block.text?.text.length ?? 0) > 150) problems.push(`${at}.text: a header holds 150 characters`);
    } else if (block.type === 'section') {
      if (block.text === undefined) problems.push(`${at}: a section needs text`);
      else if (block.text.text.length > 3000 || block.text.text.length === 0)
        problems.push(`${at}.text: 1 to 3000 characters`);
      else if (block.text.type === 'mrkdwn') problems.push(...mrkdwnProblems(block.text.text, `${at}.text`));
    } else if (block.type === 'context') {
      const elements = block.elements ?? [];
      if (elements.length === 0 || elements.length > 10) problems.push(`${at}.elements: 1 to 10 elements`);
      elements.forEach((e, j) => {
        if (e.text.length > 3000) problems.push(`${at}.elements[${j}]: at most 3000 characters`);
        if (e.type === 'mrkdwn') problems.push(...mrkdwnProblems(e.text, `${at}.elements[${j}]`));
      });
    } else if (block.type !== 'divider') problems.push(`${at}: type ${block.type} is not one this double knows`);
  });
  return problems;
}

export async function startSlackDouble(opts: { token: string; channels: readonly string[] }): Promise<SlackDouble> {
  const channelIds = new Map(opts.channels.map((name, i) => [name.replace(/^#/, ''), `C${String(10_000_000 + i)}`]));
  const messages: SlackMessage[] = [];
  const calls: SlackDouble['calls'] = [];
  const violations: string[] = [];
  const troubles: { trouble: SlackTrouble; retryAfter: number }[] = [];
  let posted = 0;

  const answer = (
    res: ServerResponse,
    method: string,
    status: number,
    body: Record<string, unknown>,
    headers = {},
  ): ServerResponse => {
    const operation = api.paths[`/${method}`]?.post;
    if (operation !== undefined && status === 200) {
      const validate = ajv.compile(refs(operation.responses[body.ok === true ? '200' : 'default'].schema));
      if (!validate(body))
        violations.push(`the double's own answer breaks ${method}'s schema: ${ajv.errorsText(validate.errors)}`);
    }
    calls.push({ method, status, ...(typeof body.error === 'string' ? { error: body.error } : {}) });
    return res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): ServerResponse => {
    const method = (req.url ?? '').replace(api.basePath, '').replace(/^\//, '').split('?')[0] ?? '';
    const operation = api.paths[`/${method}`]?.post;
    if (req.method !== 'POST' || operation === undefined) {
      violations.push(`${req.method ?? '?'} ${req.url ?? ''}: not a Web API method the description lists`);
      return answer(res, method, 200, { ok: false, error: 'unknown_method' });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!operation.consumes.includes(type)) violations.push(`${method}: content type "${type}" is not one it consumes`);
    const args: Record<string, string> =
      type === 'application/json'
        ? (JSON.parse(raw) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw).entries());
    if ('token' in args) violations.push(`${method}: the token was sent in the body, not the Authorization header`);
    for (const name of Object.keys(args))
      if (!operation.parameters.some((p) => p.in === 'formData' && p.name === name))
        violations.push(`${method}: "${name}" is not one of its parameters`);
    for (const p of operation.parameters)
      if (p.in === 'formData' && p.required === true && args[p.name] === undefined)
        violations.push(`${method}: the required "${p.name}" is missing`);
    const auth = req.headers.authorization;
    if (auth === undefined) return answer(res, method, 200, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${opts.token}`) return answer(res, method, 200, { ok: false, error: 'invalid_auth' });

    const trouble = troubles.shift();
    if (trouble?.trouble === 'ratelimited')
      return answer(
        res,
        method,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(trouble.retryAfter) },
      );
    if (trouble?.trouble === 'unavailable') {
      calls.push({ method, status: 503 });
      return res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
    }
    if (trouble !== undefined) return answer(res, method, 200, { ok: false, error: trouble.trouble });

    const text = args.text ?? '';
    let blocks: SlackMessage['blocks'] = [];
    if (args.blocks !== undefined) {
      try {
        blocks = JSON.parse(args.blocks) as SlackMessage['blocks'];
      } catch {
        violations.push(`${method}: blocks is not JSON`);
      }
      const validate = ajv.compile(refs({ $ref: '#/definitions/blocks' }));
      if (!validate(blocks)) violations.push(`${method}: blocks: ${ajv.errorsText(validate.errors)}`);
      violations.push(...blockProblems(blocks).map((p) => `${method}: ${p}`));
    }
    if (text === '' && blocks.length === 0) return answer(res, method, 200, { ok: false, error: 'no_text' });
    if (text.length > 40_000) return answer(res, method, 200, { ok: false, error: 'msg_too_long' });
    violations.push(...mrkdwnProblems(text, `${method}: text`));
    const channel =
      channelIds.get((args.channel ?? '').replace(/^#/, '')) ??
      [...channelIds.values()].find((id) => id === args.channel);
    if (channel === undefined) return answer(res, method, 200, { ok: false, error: 'channel_not_found' });
    posted++;
    const ts = `${String(1_796_000_000 + posted)}.${String(posted).padStart(6, '0')}`;
    messages.push({ channel: args.channel ?? '', text, blocks, ts });
    return answer(res, method, 200, { ok: true, channel, ts, message: { type: 'message', text, ts, blocks } });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${api.basePath}/`,
    messages,
    calls,
    violations,
    failNext(trouble, { times = 1, retryAfter = 30 } = {}) {
      for (let i = 0; i < times; i++) troubles.push({ trouble, retryAfter });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
