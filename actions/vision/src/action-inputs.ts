import { resolve } from 'node:path';
import * as core from '@actions/core';
import type { context } from '@actions/github';

/** What the Action reads of @actions/github's context: the event, the repository, where the run is. */
export type ActionContext = Pick<typeof context, 'payload' | 'sha' | 'repo' | 'runId' | 'serverUrl' | 'apiUrl'>;

/** The action's inputs and the run, as the review needs them. */
export interface ActionInputs {
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
  sarif: string;
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
export function readActionInputs(context: ActionContext, workspace: string): ActionInputs {
  const event = context.payload as EventPayload;
  const sha: string | undefined = context.sha;
  const pushBase =
    event.created === true || event.before === undefined || noCommit.test(event.before) ? undefined : event.before;
  const timeout = input('tool-timeout');
  if (timeout !== undefined && !/^[1-9]\d{0,4}$/.test(timeout))
    throw new Error(`input "tool-timeout" must be a whole number of seconds from 1 to 99999, not "${timeout}"`);
  const token = input('token');
  const llmModel = input('llm-model');
  const llmKey = input('llm-api-key');
  // Masked in the log before anything could print them.
  if (token !== undefined) core.setSecret(token);
  if (llmKey !== undefined) core.setSecret(llmKey);
  const { owner, repo } = context.repo;
  return {
    workspace,
    checkout: resolve(workspace, input('path') ?? '.'),
    owner,
    repo,
    apiUrl: context.apiUrl,
    token,
    head: input('head') ?? event.pull_request?.head?.sha ?? event.after ?? sha,
    base: input('base') ?? event.pull_request?.base?.sha ?? pushBase,
    all: booleanInput('all'),
    config: input('config'),
    trustedCode: booleanInput('trusted-code'),
    toolTimeoutMs: timeout === undefined ? 600_000 : Number(timeout) * 1000,
    sarif: input('sarif') ?? 'wowvision.sarif',
    llm: llmModel === undefined ? undefined : { baseUrl: input('llm-base-url'), apiKey: llmKey, model: llmModel },
    runUrl: Number.isNaN(context.runId)
      ? undefined
      : `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`,
  };
}

/** An input as the workflow gave it, trimmed; unset or blank is undefined. */
function input(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

/** A boolean input (YAML's true/false spellings); unset is false. */
function booleanInput(name: string): boolean {
  return input(name) !== undefined && core.getBooleanInput(name);
}
