/** Who a ticket is about: the words that name them are removed wherever they appear. */
export interface PersonalNames {
  /** The customer's name as the ticket records it ("Ada Lovelace"): the whole name and each part of it. */
  customer?: string | null | undefined;
  /** The customer's organisation, by name and by slug ("Acme Corp", "acme-corp"). */
  organisation?: readonly (string | null | undefined)[];
}

/** What redaction reads at most: a ticket's messages are bounded, and so is the article drafted from them. */
export const redactionMaxLength = 20_000;

// An address: local part, @, a domain with a dot. Written loosely on purpose: a missed
// address is worse than a redacted one.
const email = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// A link: removed whole when it carries anything secret-looking (a query, a fragment, or a
// path segment long and random enough to be a token); a bare https://docs.example.com/x stays.
const url = /\bhttps?:\/\/[^\s<>"')\]]+/gi;
const tokenSegment = /[A-Za-z0-9_-]{20,}/;
// A phone number: an optional +, then at least 7 digits with spaces, dots, dashes or brackets between.
const phone = /(?<![\w.])\+?\(?\d[\d\s().-]{5,}\d(?![\w.])/g;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
// Something that looks like a key or token on its own (sk_live_…, ghp_…, a long hex string).
const secret = /\b(?:sk|pk|rk|ghp|gho|ghs|xox[abp])_[A-Za-z0-9_]{8,}\b|\b[a-f0-9]{32,}\b/gi;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The spellings of a name that are removed: the whole of it, then each part of three letters or more. */
function spellings(name: string | null | undefined): string[] {
  const whole = (name ?? '').trim().slice(0, 200);
  if (whole === '') return [];
  const parts = whole.split(/[\s,.-]+/).filter((p) => p.length >= 3);
  return [whole, ...parts];
}

/**
 * The text with its personal data replaced by placeholders: the customer's and the
 * organisation's names ([customer], [organisation]), email addresses ([email]), links
 * carrying a token ([link]), phone numbers ([phone]) and secret-looking keys ([secret]).
 * An article drafted from a ticket is read by every later customer, so it says who asked
 * nothing about who asked. Longer texts are cut to `redactionMaxLength` first.
 */
export function redactPersonalData(text: string, names: PersonalNames = {}): string {
  let out = text.slice(0, redactionMaxLength);
  // Links first: credentials in one (user:pw@host) would otherwise read as an address.
  out = out.replace(url, (link) => (hasToken(link) ? '[link]' : link));
  out = out.replace(email, '[email]');
  out = out.replace(secret, '[secret]');
  out = out.replace(phone, (digits) =>
    digits.replace(/\D/g, '').length >= 7 && !isoDate.test(digits.trim()) ? '[phone]' : digits,
  );
  const named: [string, string][] = [
    ...spellings(names.customer).map((s) => [s, '[customer]'] as [string, string]),
    ...(names.organisation ?? []).flatMap((o) => spellings(o).map((s) => [s, '[organisation]'] as [string, string])),
  ];
  // Longest first, so "Ada Lovelace" goes whole before "Ada" is looked for.
  named.sort(([a], [b]) => b.length - a.length);
  for (const [spelling, placeholder] of named)
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(spelling)}(?![\\p{L}\\p{N}])`, 'giu'), placeholder);
  return out;
}

function hasToken(link: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    return true;
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') return true;
  return parsed.pathname.split('/').some((segment) => tokenSegment.test(segment));
}
