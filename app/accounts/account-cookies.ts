import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The cookies the accounts set. Over TLS they are `__Host-` cookies (Secure, Path=/, no
 * Domain: no subdomain and no plain-HTTP page can set or overwrite them); on plain HTTP, a
 * local start, the same without the prefix, which browsers refuse there. All HttpOnly and
 * SameSite=Lax: sent on a top-level navigation (a mailed link, GitHub's redirect back),
 * never on a cross-site form post.
 */
export function accountCookies(secure: boolean) {
  const prefix = secure ? '__Host-' : '';
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
  return {
    names: { session: `${prefix}wow_session`, csrf: `${prefix}wow_csrf`, signIn: `${prefix}wow_github_sign_in` },
    options,
    readSession: (req: FastifyRequest): string | undefined => req.cookies[`${prefix}wow_session`],
    setSession: (reply: FastifyReply, secret: string, expiresAt: Date) =>
      reply.setCookie(`${prefix}wow_session`, secret, { ...options, expires: expiresAt }),
    clearSession: (reply: FastifyReply) => reply.clearCookie(`${prefix}wow_session`, options),
  };
}

export type AccountCookies = ReturnType<typeof accountCookies>;
