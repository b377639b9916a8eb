import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** What a workflow hands an action: inputs as INPUT_* variables, the run as GITHUB_* ones. */
export interface ActionEnv {
  workspace: string;
  /** Where the head is checked out (the `path` input, under the workspace). */
  checkout: string;
  owner: string;
  repo: string;
  apiUrl: string;
  token: string | undefined;
  /** The commit under review: the pull request's head, else the pushed commit. */
  head: string | undefined;
  /** The commit it is compared with: the pull request's base, else the push's previous tip. */
  base: string | undefined;
  all: boolean;
  config: string | undefined;
  /** Whether the workflow trusts the head's code: tool kinds (eslint, coverage) run only then. */
  trustedCode: boolean;
  toolTimeoutMs: number;
  /** The job's environment: only what a tool needs to start is handed on to tool kinds. */
  env: Readonly<Record<string, string | undefined>>;
  sarif: string;
  summaryFile: string | undefined;
  outputFile: string | undefined;
  runUrl: string | undefined;
  /** An OpenAI-compatible model for advisory rules, when the workflow names one. */
  llm: { baseUrl: string | undefined; apiKey: string | undefined; model: string } | undefined;
}

interface EventPayload {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
  before?: string;
  after?: string;
  created?: boolean;
}

const noCommit = /^0+$/;

/** Reads the action's inputs and the triggering event; explicit inputs win over the event. */
export async function readActionEnv(env: Record<string, string | undefined>): Promise<ActionEnv> {
  const input = (name: string) => {
    const value = env[`INPUT_${name.toUpperCase()}`]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const event: EventPayload =
    env.GITHUB_EVENT_PATH === undefined
      ? {}
      : (JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as EventPayload);
  const pushBase =
    event.created === true || event.before === undefined || noCommit.test(event.before) ? undefined : event.before;
  const all = booleanInput('all', input('all'));
  const trusted = booleanInput('trusted-code', input('trusted-code'));
  const timeout = input('tool-timeout');
  if (timeout !== undefined && !/^[1-9]\d{0,4}$/.test(timeout))
    throw new Error(`input "tool-timeout" must be a whole number of seconds from 1 to 99999, not "${timeout}"`);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  return {
    workspace,
    checkout: resolve(workspace, input('path') ?? '.'),
    owner,
    repo,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    token: input('token'),
    head: input('head') ?? event.pull_request?.head?.sha ?? event.after ?? env.GITHUB_SHA,
    base: input('base') ?? event.pull_request?.base?.sha ?? pushBase,
    all,
    config: input('config'),
    trustedCode: trusted,
    toolTimeoutMs: timeout === undefined ? 600_000 : Number(timeout) * 1000,
    env,
    sarif: input('sarif') ?? 'wowvision.sarif',
    summaryFile: env.GITHUB_STEP_SUMMARY,
    outputFile: env.GITHUB_OUTPUT,
    llm:
      input('llm-model') === undefined
        ? undefined
        : { baseUrl: input('llm-base-url'), apiKey: input('llm-api-key'), model: input('llm-model') ?? '' },
    runUrl:
      env.GITHUB_RUN_ID === undefined
        ? undefined
        : `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`,
  };
}

function booleanInput(name: string, value: string | undefined): boolean {
  if (value !== undefined && value !== 'true' && value !== 'false')
    throw new Error(`input "${name}" must be true or false, not "${value}"`);
  return value === 'true';
}
