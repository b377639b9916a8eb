import type { GitHubClient } from '#platform';

/** A repository on GitHub and the installation client that reaches it. */
export interface GitHubRepo {
  client: GitHubClient;
  owner: string;
  repo: string;
}

export function isNotFound(err: unknown): boolean {
  return (err as { status?: number }).status === 404;
}

/** A file's text at `ref`, or undefined when it does not exist there. */
export async function readRepoFile(at: GitHubRepo, path: string, ref?: string): Promise<string | undefined> {
  try {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: at.owner,
      repo: at.repo,
      path,
      ...(ref === undefined ? {} : { ref }),
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
