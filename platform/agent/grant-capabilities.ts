import { createError } from '../errors/errors.ts';
import type { GitHubClient, GitHubPort } from '../github/github-port.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { grantsOf } from './capabilities.ts';
import type { AgentManifest } from './manifest-schema.ts';

export interface GrantedServices {
  github: GitHubPort | undefined;
  llm: LlmClient | undefined;
  /** Throws WOW_ERR_CAPABILITY_MISSING (or _WITHHELD) unless the agent holds `errors:report`. */
  assertReportsErrors: () => void;
}

/**
 * The GitHub App and the model as one agent may use them. GitHub's installation tokens
 * carry only the permissions its `github:*` capabilities name (GitHub refuses the rest);
 * without any, and without `llm:complete` for the model, each call fails with
 * WOW_ERR_CAPABILITY_MISSING and counts as a security violation. Undefined stays
 * undefined: an agent still learns that no App or model is configured the usual way.
 *
 * `withheld` are declared capabilities its live credential does not hold (beyond its
 * tier, not approved): granted as if undeclared, refused as WOW_ERR_CAPABILITY_WITHHELD.
 */
export function grantServices(
  manifest: AgentManifest,
  services: { github: GitHubPort | undefined; llm: LlmClient | undefined; metrics: Metrics },
  withheld: readonly string[] = [],
): GrantedServices {
  const grants = grantsOf(manifest.capabilities.filter((c) => !withheld.includes(c)));
  const refuse = (what: string, capability: string) => {
    services.metrics.securityViolation('capability_missing', {
      agent: manifest.id,
      source: 'agent context',
      reason: `${manifest.id} used ${what} without ${capability}`,
      sample: { capability },
    });
    const withholding = withheld.find(
      (c) => c === capability || (capability.startsWith('github:') && c.startsWith('github:')),
    );
    return withholding === undefined
      ? createError('WOW_ERR_CAPABILITY_MISSING', { agent: manifest.id, what, capability })
      : createError('WOW_ERR_CAPABILITY_WITHHELD', { agent: manifest.id, what, capability: withholding });
  };
  const github =
    services.github === undefined
      ? undefined
      : Object.keys(grants.github).length > 0
        ? services.github.withPermissions(grants.github)
        : deniedGitHub(() => refuse('GitHub', 'github:<permission>:<read|write>'));
  const llm =
    services.llm === undefined || grants.llm
      ? services.llm
      : {
          model: services.llm.model,
          complete: () => Promise.reject(refuse('the model', 'llm:complete')),
        };
  const assertReportsErrors = () => {
    if (!grants.errors) throw refuse('error reports (error.occurred)', 'errors:report');
  };
  return { github, llm, assertReportsErrors };
}

/** A port whose clients refuse every request (and every helper hanging off `request`). */
function deniedGitHub(refuse: () => Error): GitHubPort {
  const denied: unknown = new Proxy(function denied() {}, {
    apply: () => Promise.reject(refuse()),
    // `request.endpoint.merge(…)`, `paginate.iterator(…)`: every path ends in a refusal. Not
    // a thenable, so awaiting the client itself is harmless.
    get: (_target, property) => (property === 'then' ? undefined : denied),
  });
  const client = { request: denied, paginate: denied } as GitHubClient;
  const port: GitHubPort = {
    forInstallation: () => client,
    forRepository: () => Promise.resolve(client),
    withPermissions: () => port,
  };
  return port;
}
