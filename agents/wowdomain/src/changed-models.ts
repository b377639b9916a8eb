import { compareModels, parseDomainModel, type EventChange, type GitHubClient } from '#platform';

export interface RepoAt {
  client: GitHubClient;
  owner: string;
  repo: string;
}

/** One model a merge changed, and what it did to the model's events. */
export interface ChangedModel {
  domain: string;
  file: string;
  events: EventChange[];
}

const modelPath = /^domains\/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\/model\.yml$/;

/** GitHub's compare lists at most 300 files a page; a merge touching more models than that is not one this reads. */
const maxFiles = 3000;

/**
 * The domain models a merge changed (`base...merge`, GitHub's compare: `contents: read`
 * is all it needs), each read at both ends and compared event by event. A model that does
 * not load at the merge is skipped and named in `invalid`: WowVision's `domain` rule
 * blocks such a change, so one merged anyway is a person's call, not an announcement.
 */
export async function changedModels(
  at: RepoAt,
  range: { base: string; merge: string },
): Promise<{ models: ChangedModel[]; invalid: string[] }> {
  const paths = new Set<string>();
  let seen = 0;
  await at.client.paginate(
    'GET /repos/{owner}/{repo}/compare/{basehead}',
    { owner: at.owner, repo: at.repo, basehead: `${range.base}...${range.merge}`, per_page: 100 },
    (response, done) => {
      for (const f of response.data.files ?? []) {
        for (const name of [f.filename, f.previous_filename])
          if (name !== undefined && modelPath.test(name)) paths.add(name);
        if (++seen >= maxFiles) done();
      }
      return [];
    },
  );
  const models: ChangedModel[] = [];
  const invalid: string[] = [];
  for (const file of [...paths].sort()) {
    const domain = modelPath.exec(file)?.[1] ?? '';
    const [before, after] = await Promise.all([read(at, file, range.base), read(at, file, range.merge)]);
    const parse = (text: string | undefined) => (text === undefined ? undefined : parseDomainModel(text, file, domain));
    const old = parse(before);
    const now = parse(after);
    if (now !== undefined && 'problems' in now) {
      invalid.push(file);
      continue;
    }
    const events = compareModels(old === undefined || 'problems' in old ? undefined : old.model, now?.model);
    if (events.length > 0) models.push({ domain, file, events });
  }
  return { models, invalid };
}

/** A file's text at `ref`, or undefined where it does not exist. */
async function read(at: RepoAt, path: string, ref: string): Promise<string | undefined> {
  try {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: at.owner,
      repo: at.repo,
      path,
      ref,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}
