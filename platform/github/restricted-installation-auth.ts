import { createAppAuth } from '@octokit/auth-app';
import type { Octokit } from '@octokit/core';
import type { RequestParameters } from '@octokit/core/types';

type RequestInterface = Octokit['request'];

export interface RestrictedInstallationAuthOptions {
  appId: string;
  privateKey: string;
  installationId: number;
  /** The subset of the installation's permissions its tokens carry, e.g. { issues: 'write' }. */
  permissions: Record<string, 'read' | 'write'>;
}

/**
 * An Octokit auth strategy whose installation tokens carry only the given permissions:
 * GitHub's "create an installation access token" takes a `permissions` subset, and a
 * request outside it is refused by GitHub itself (403). @octokit/auth-app mints and caches
 * the tokens (keyed by permissions too), but its request hook always asks for the full set,
 * so this strategy supplies its own hook.
 */
export function createRestrictedInstallationAuth(options: RestrictedInstallationAuthOptions) {
  let app: ReturnType<typeof createAppAuth> | undefined;
  const appFor = (request: RequestInterface) =>
    (app ??= createAppAuth({
      appId: options.appId,
      privateKey: options.privateKey,
      installationId: options.installationId,
      request,
    }));
  const token = (request: RequestInterface) =>
    appFor(request)({
      type: 'installation',
      installationId: options.installationId,
      // metadata: read comes with every repository permission on GitHub; asking for it says so.
      permissions: { metadata: 'read', ...options.permissions },
    });
  return Object.assign(async () => ({ type: 'restricted-installation' as const }), {
    async hook(request: RequestInterface, route: string, parameters?: RequestParameters) {
      const endpoint = request.endpoint.merge(route, parameters);
      // Minting the token comes back through this client's hooks; it is the App's own request
      // (a JWT), which @octokit/auth-app's hook signs.
      if (/^\/app\/installations\/[^/]+\/access_tokens$/.test(endpoint.url ?? ''))
        return appFor(request).hook(request, route, parameters);
      const { token: value } = await token(request.defaults({ baseUrl: endpoint.baseUrl }));
      endpoint.headers.authorization = `token ${value}`;
      // merge() always fills the url from the route; its type keeps it optional.
      return request(endpoint as typeof endpoint & { url: string });
    },
  });
}
