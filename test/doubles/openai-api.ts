import { z } from 'zod';

/**
 * A double of an OpenAI-compatible chat completions API (OpenAI, vLLM, Ollama's /v1): it
 * checks each request the way the API does and answers with a real `chat.completion`
 * object whose content comes from `reply`.
 */
export interface OpenAiDouble {
  fetch: typeof fetch;
  readonly requests: z.output<typeof chatRequest>[];
  readonly violations: string[];
}

const chatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(z.looseObject({ role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']), content: z.string() }))
    .min(1),
  temperature: z.number().min(0).max(2).optional(),
});

export function createOpenAiDouble(
  reply: (request: z.output<typeof chatRequest>) => string | { status: number; message: string },
): OpenAiDouble {
  const double: OpenAiDouble = {
    requests: [],
    violations: [],
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if ((init?.method ?? 'GET') !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
        double.violations.push(`${init?.method ?? 'GET'} ${url.pathname}: not the chat completions endpoint`);
        return json(404, { error: { message: 'Not found', type: 'invalid_request_error' } });
      }
      const parsed = chatRequest.safeParse(JSON.parse(typeof init?.body === 'string' ? init.body : '{}'));
      if (!parsed.success) {
        double.violations.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
        return json(400, { error: { message: parsed.error.message, type: 'invalid_request_error' } });
      }
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
    },
  };
  return double;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
