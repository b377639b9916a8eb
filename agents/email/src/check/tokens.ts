/** The most distinct tokens an email is checked for: more is not a marketing email. */
export const maxTokens = 100;

export interface TokenUse {
  name: string;
  count: number;
  /** How many of its uses say what to show when the field is empty ({{first_name | default: "there"}}). */
  withFallback: number;
  /** Whether the sending tool fills it: null when the customer did not say which fields it fills. */
  defined: boolean | null;
}

export interface TokenCheck {
  used: TokenUse[];
  /** Braces that open or close no well-formed token, e.g. "{{first_name}" or "{{ }}", as found. */
  malformed: string[];
}

const token = /\{\{\s*([A-Za-z_][\w.-]*)\s*(\|[^{}]*)?\}\}/g;

/** The field names a customer listed, separated by commas or spaces. */
export function parseTokenList(list: string | undefined): string[] | null {
  if (list === undefined || list.trim() === '') return null;
  return [...new Set(list.split(/[\s,]+/).filter((t) => t !== ''))].slice(0, maxTokens);
}

/**
 * The {{token}} style personalisation in the subject and body: each token with how often it
 * is used, how often with a fallback and whether the sending tool fills it; then what is
 * left of double braces once the well-formed tokens are taken out, which a reader would see
 * as it stands.
 */
export function checkTokens(texts: string[], defined: string[] | null): TokenCheck {
  const uses = new Map<string, TokenUse>();
  const malformed: string[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(token)) {
      const name = m[1] ?? '';
      const use = uses.get(name) ?? {
        name,
        count: 0,
        withFallback: 0,
        defined: defined === null ? null : defined.includes(name),
      };
      use.count += 1;
      if (m[2] !== undefined && m[2].replace('|', '').trim() !== '') use.withFallback += 1;
      if (uses.size < maxTokens || uses.has(name)) uses.set(name, use);
    }
    const rest = text.replace(token, ' ');
    for (const m of rest.matchAll(/.{0,20}(?:\{\{|\}\}).{0,20}/g))
      if (malformed.length < maxTokens) malformed.push(m[0].replace(/\s+/g, ' ').trim());
  }
  return { used: [...uses.values()], malformed };
}
