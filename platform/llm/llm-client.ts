import type OpenAI from 'openai';
import type { LlmSettings } from '../config/load-config.ts';

/** One model behind an OpenAI-compatible API (any base URL). */
export interface LlmClient {
  readonly model: string;
  /** The model's answer to one system + user message pair. */
  complete(request: { system: string; user: string }): Promise<string>;
}

export interface LlmClientOptions {
  /** For tests: a fetch that answers as the API would. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createLlmClient(settings: LlmSettings, options: LlmClientOptions = {}): LlmClient {
  // The SDK is some 240 modules: loaded at the first call, not by every process that
  // imports the platform (a `wow` command, a review without a model never makes one).
  let client: Promise<OpenAI> | undefined;
  const openai = () =>
    (client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
          apiKey: settings.apiKey ?? 'none',
          ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
          timeout: options.timeoutMs ?? 60_000,
          maxRetries: 2,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        }),
    ));
  return {
    model: settings.model,
    async complete({ system, user }) {
      const response = await (
        await openai()
      ).chat.completions.create({
        model: settings.model,
        temperature: 0,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
      });
      return response.choices[0]?.message.content ?? '';
    },
  };
}
