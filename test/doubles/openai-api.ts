import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A double of an OpenAI-compatible API (OpenAI, vLLM, Ollama's /v1): chat completions and,
 * when given `embed`, embeddings. It checks each request the way the API does and answers
 * with the API's own objects: a `chat.completion` whose content comes from `reply`, and an
 * embeddings `list` with one vector per input, from `embed`.
 */
export interface OpenAiDouble {
  fetch: typeof fetch;
  readonly requests: z.output<typeof chatRequest>[];
  readonly embeddingRequests: z.output<typeof embeddingRequest>[];
  readonly violations: string[];
}

const chatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(z.looseObject({ role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']), content: z.string() }))
    .min(1),
  temperature: z.number().min(0).max(2).optional(),
});

// POST /v1/embeddings as OpenAI documents it: one text or up to 2,048, none empty; the
// vectors as floats (the default) or base64 (little-endian float32), optionally shortened.
const embeddingRequest = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().min(1).optional(),
  user: z.string().optional(),
});

type Failure = { status: number; message: string };

export function createOpenAiDouble(
  reply: (request: z.output<typeof chatRequest>) => string | Failure,
  opts: { embed?: (input: string, request: z.output<typeof embeddingRequest>) => number[] | Failure } = {},
): OpenAiDouble {
  const refuse = (violations: string[], status: number, message: string) => {
    double.violations.push(...violations);
    return json(status, { error: { message, type: 'invalid_request_error' } });
  };
  const double: OpenAiDouble = {
    requests: [],
    embeddingRequests: [],
    violations: [],
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      const body: unknown = JSON.parse(typeof init?.body === 'string' ? init.body : '{}');
      if (method === 'POST' && url.pathname.endsWith('/chat/completions')) {
        const parsed = chatRequest.safeParse(body);
        if (!parsed.success) return refuse(issues(parsed.error), 400, parsed.error.message);
        double.requests.push(parsed.data);
        const content = reply(parsed.data);
        if (typeof content !== 'string')
          return json(content.status, { error: { message: content.message, type: 'server_error' } });
        return json(200, {
          id: `chatcmpl-${double.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: parsed.data.model,
          choices: [
            { index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        });
      }
      if (method === 'POST' && url.pathname.endsWith('/embeddings') && opts.embed !== undefined) {
        const parsed = embeddingRequest.safeParse(body);
        if (!parsed.success) return refuse(issues(parsed.error), 400, parsed.error.message);
        double.embeddingRequests.push(parsed.data);
        const request = parsed.data;
        const inputs = typeof request.input === 'string' ? [request.input] : request.input;
        const data = [];
        for (const [index, text] of inputs.entries()) {
          const vector = opts.embed(text, request);
          if (!Array.isArray(vector))
            return json(vector.status, { error: { message: vector.message, type: 'server_error' } });
          const shortened = request.dimensions === undefined ? vector : vector.slice(0, request.dimensions);
          data.push({
            object: 'embedding',
            index,
            embedding: request.encoding_format === 'base64' ? base64Floats(shortened) : shortened,
          });
        }
        const tokens = inputs.reduce((n, text) => n + Math.ceil(text.length / 4), 0);
        return json(200, {
          object: 'list',
          data,
          model: request.model,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      }
      return refuse([`${method} ${url.pathname}: not an endpoint this double serves`], 404, 'Not found');
    },
  };
  return double;
}

/** The double at an HTTP address, for code that reads its base URL from settings (WOWSEARCH_EMBEDDINGS_BASE_URL …). */
export async function serveOpenAiDouble(double: OpenAiDouble): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      double
        .fetch(`http://double${req.url ?? '/'}`, { method: req.method ?? 'GET', ...(body === '' ? {} : { body }) })
        .then(async (answer) => {
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

function base64Floats(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
