import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { embedderFrom, embedderVariables, embeddingsNeedModel } from '../embedder-variables.ts';

// As WowSearch and WowMemory declare them.
const settings = z.object({ ...embedderVariables }).refine(...embeddingsNeedModel);

describe("an agent's embedding settings", () => {
  it('reads empty variables as unset, and then embeds nothing', () => {
    const parsed = settings.parse({ embeddingsModel: ' ', embeddingsBaseUrl: '', embeddingsApiKey: '' });
    expect(parsed).toEqual({ embeddingsModel: undefined, embeddingsBaseUrl: undefined, embeddingsApiKey: undefined });
    expect(embedderFrom(parsed, 'WOWTEST_EMBEDDINGS')).toBeUndefined();
  });

  it('refuses a base URL or key without a model, and a base URL that is not http(s), naming the field', () => {
    const noModel = settings.safeParse({ embeddingsBaseUrl: 'http://127.0.0.1:11434/v1' });
    expect(noModel.error?.issues).toEqual([
      expect.objectContaining({
        path: ['embeddingsModel'],
        message: expect.stringContaining('name the model') as unknown,
      }),
    ]);
    const ftp = settings.safeParse({ embeddingsModel: 'nomic-embed-text', embeddingsBaseUrl: 'ftp://example.com' });
    expect(ftp.error?.issues[0]?.path).toEqual(['embeddingsBaseUrl']);
  });

  it('makes the embedder the settings name', () => {
    const parsed = settings.parse({ embeddingsModel: 'nomic-embed-text', embeddingsBaseUrl: 'http://127.0.0.1:1/v1' });
    expect(embedderFrom(parsed, 'WOWTEST_EMBEDDINGS')?.model).toBe('nomic-embed-text');
  });
});
