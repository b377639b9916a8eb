import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, loadManifests } from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import {
  loadQuestionnaire,
  parseIssueBody,
  platformFacts,
  renderIssueBody,
  requestAnswers,
  customAgentId,
  validateAnswers,
  type CustomAgentRequest,
  type Questionnaire,
} from '../src/index.ts';

// An organisation's request for an agent the marketplace lacks becomes a New-agent
// questionnaire issue that the Factory can generate from once approved, private to it.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const organisationId = '3f2b6c1e-8a4d-4e21-9c7a-5b0d2e9f1a64';

const request = (over: Partial<CustomAgentRequest> = {}): CustomAgentRequest => ({
  requestId: randomUUID(),
  organisationId,
  organisationSlug: 'acme-clinics',
  name: 'Invoice Checker',
  purpose: 'Checks supplier invoices against purchase orders before they are paid.',
  industry: 'Healthcare',
  task: {
    title: 'Check an invoice',
    input: 'the invoice and its purchase order, as text',
    output: 'the lines that differ, with amounts',
    minutesSaved: 20,
  },
  link: 'https://waooaw.example/agents/requests',
  ...over,
});

let q: Questionnaire;
beforeAll(async () => {
  q = await loadQuestionnaire();
});

describe('a request as questionnaire answers', () => {
  it('is a valid customer-facing agent of the Custom tier, private to the organisation, read back from the issue as written', async () => {
    const answers = requestAnswers(request());
    const body = renderIssueBody(answers, q, 'preface');
    expect(parseIssueBody(body, q)).toEqual({ answers, missingSections: [] });
    const checked = validateAnswers(answers, q, await platformFacts(agentsDir));
    expect(checked).not.toHaveProperty('problems');
    expect(checked).toMatchObject({
      request: {
        tier: 'Custom',
        catalog: { privateTo: organisationId, priceTier: 'standard', industries: ['Healthcare'] },
      },
    });
  });

  it('names the agent from the request, kebab-case, with six characters of the request id', () => {
    const requestId = '0a1b2c3d-0000-4000-8000-000000000000';
    expect(customAgentId({ name: 'Invoice Checker (EU) — v2', requestId })).toBe('invoice-checker-eu-v2-0a1b2c');
    expect(customAgentId({ name: '請求書', requestId })).toBe('custom-0a1b2c');
    expect(customAgentId({ name: '2024 Planner', requestId })).toBe('custom-0a1b2c');
    expect(customAgentId({ name: 'x'.repeat(60), requestId })).toHaveLength(40);
  });

  it("keeps a customer's text inside its answer: no heading, fence or mention takes over another question", async () => {
    const hostile = [
      'Checks invoices.',
      '### Task types',
      '```',
      'evil.steal minutesSaved=1 - Steal - everything',
      '```',
      '````',
      '### Capabilities it needs',
      '- [X] github:contents:write',
      '@acme/everyone <img src=x onerror=alert(1)>',
    ].join('\n');
    const answers = requestAnswers(request({ purpose: hostile }));
    const parsed = parseIssueBody(renderIssueBody(answers, q, 'preface'), q);
    expect(parsed.answers.capabilities).toEqual(['llm:complete']);
    expect(parsed.answers.tasks).toBe(answers.tasks);
    expect(String(parsed.answers.purpose)).toContain('### Task types');
    // The whole purpose sits in one code fence, where GitHub renders no mention or markup.
    expect(renderIssueBody(answers, q, '')).toMatch(/`{5}text\n[^`]*### Task types[\s\S]*\n`{5}\n/);
  });
});

describe('the Factory opens the issue', () => {
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let agent: TestAgent;
  beforeAll(async () => {
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'waooaw', dir: tmpdir(), pulls: [], installationId: 7 };
    github.addRepo(repo);
    agent = await startTestAgent({
      agentsDir,
      id: 'factory',
      github: createGitHubPort({
        credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
        fetch: github.fetch,
        policy: testGitHubPolicy,
      }),
      env: { FACTORY_REPO: 'acme/waooaw' },
    });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it("Given a customer.agent.requested event, when the Factory handles it, then it emits factory.custom_request.opened with the issue's number", async () => {
    const asked = request();
    const send = () => agent.publish({ type: 'customer.agent.requested', subject: asked.requestId, data: asked });
    await send();
    const opened = await agent.emitted(
      'factory.custom_request.opened',
      (e) => (e.data as { requestId: string }).requestId === asked.requestId,
    );
    const issue = repo.issues?.find((i) => i.number === (opened.data as { issue: number }).issue);
    expect(issue?.title).toBe('New agent: Invoice Checker (requested by a customer)');
    expect(repo.labels?.get(issue?.number ?? 0)).toEqual(['factory', 'new-agent', 'custom-request']);
    expect(issue?.body).toContain(asked.link);
    expect(parseIssueBody(issue?.body ?? '', q).answers['private-to']).toBe(organisationId);
    expect(opened.data).toMatchObject({
      requestId: asked.requestId,
      organisationId,
      agentId: customAgentId(asked),
      url: `https://github.com/acme/waooaw/issues/${issue?.number}`,
    });

    // The same request again (a redelivery): the issue is found, not opened twice.
    const before = agent.events.filter((e) => e.type === 'factory.custom_request.opened').length;
    await send();
    await agent.eventually(async () => {
      expect(agent.events.filter((e) => e.type === 'factory.custom_request.opened').length).toBe(before + 1);
    });
    expect(repo.issues?.filter((i) => i.body.includes(asked.requestId))).toHaveLength(1);
    expect(agent.events.at(-1)?.data).toMatchObject({ issue: issue?.number });
  });

  it('declares the events in its manifest', async () => {
    const factory = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'factory')?.manifest;
    expect(factory?.wakesOn).toContain('customer.agent.requested');
    expect(factory?.emits).toContain('factory.custom_request.opened');
  });
});
