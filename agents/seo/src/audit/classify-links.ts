/** The page's links by where they lead. */
export interface LinkCounts {
  internal: number;
  external: number;
  /** Links with rel="nofollow" (or ugc / sponsored, which Google reads as hints of the same kind), internal or external. */
  nofollow: number;
  /** mailto:, tel:, javascript: and in-page (#…) links, which lead to no other page. */
  other: number;
  /** The external hosts linked to, sorted. */
  externalHosts: string[];
}

export interface PageLink {
  href: string;
  rel: string;
}

/**
 * Internal and external by the page's own address: a relative link is internal; an
 * absolute one is internal when its host is the page's (www. ignored). Without the page's
 * address (and no canonical), every absolute http(s) link counts as external.
 */
export function classifyLinks(links: readonly PageLink[], pageUrl: string | undefined): LinkCounts {
  const base = pageUrl === undefined ? undefined : (URL.parse(pageUrl) ?? undefined);
  const host = (url: URL) => url.hostname.replace(/^www\./, '');
  const counts: LinkCounts = { internal: 0, external: 0, nofollow: 0, other: 0, externalHosts: [] };
  const hosts = new Set<string>();
  for (const { href, rel } of links) {
    const target = href.trim();
    if (target === '' || target.startsWith('#') || /^(mailto|tel|javascript|data):/i.test(target)) {
      counts.other += 1;
      continue;
    }
    if (/\b(nofollow|ugc|sponsored)\b/i.test(rel)) counts.nofollow += 1;
    const absolute = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(target);
    const url = URL.parse(target, base?.href ?? 'https://page.invalid/');
    if (!absolute || url === null || (base !== undefined && host(url) === host(base))) counts.internal += 1;
    else {
      counts.external += 1;
      hosts.add(host(url));
    }
  }
  counts.externalHosts = [...hosts].sort();
  return counts;
}
