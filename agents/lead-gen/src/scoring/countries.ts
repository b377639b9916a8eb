// English region names from Intl, each mapped back to its ISO 3166 code, built once: every
// two-letter code Intl names is a country or territory a lead can be in.
const names = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const byName = new Map<string, string>();
// Intl names retired codes after the country that replaced them (DD "Germany", UK "United
// Kingdom"); the canonical locale gives the code in use (DE, GB).
const canonical = (code: string) => (Intl.getCanonicalLocales(`und-${code}`)[0] ?? '').slice(4) || code;
for (const a of letters)
  for (const b of letters) {
    const name = names.of(a + b);
    if (name !== undefined) byName.set(name.toLowerCase(), canonical(a + b));
  }
// What people write that Intl does not call a country.
const aliases: Record<string, string> = {
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  uae: 'AE',
  holland: 'NL',
  'the netherlands': 'NL',
};

/** A country as its ISO 3166 alpha-2 code, from the code itself or its English name; null when neither. */
export function countryCode(text: string): string | null {
  const t = text.trim().replace(/\.$/, '').toLowerCase();
  if (/^[a-z]{2}$/.test(t) && names.of(t.toUpperCase()) !== undefined) return canonical(t.toUpperCase());
  return aliases[t] ?? byName.get(t) ?? null;
}

/** The code's English name, for the report. */
export function countryName(code: string): string {
  return names.of(code) ?? code;
}
