// Helpers for tests of the commerce domain and its doors, imported as
// '#domains/commerce/testing' (never by the product).

/** The token a mailed link carries (`…?token=<it>`), from the mail's text. */
export function tokenIn(body: string, path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}\\?token=([A-Za-z0-9_%-]+)`).exec(body);
  if (match?.[1] === undefined) throw new Error(`no ${path} link in the mail:\n${body}`);
  return decodeURIComponent(match[1]);
}
