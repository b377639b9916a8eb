// Words that stay lower case inside a name ("Ludwig van Beethoven", "María de la Cruz").
const particles = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'da',
  'di',
  'du',
  'la',
  'le',
  'bin',
  'al',
]);

/** One word with its first letter, and each after a hyphen or apostrophe, in capitals; "mcdonald" as "McDonald". */
function capitalise(word: string): string {
  const cased = word
    .toLowerCase()
    .replace(/(^|[-'’])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
  return /^Mc\p{L}/u.test(cased) ? `Mc${cased.charAt(2).toUpperCase()}${cased.slice(3)}` : cased;
}

/**
 * A name trimmed, its spaces collapsed, and cased when it was typed all in lower or all in
 * upper case; a name in mixed case is kept as written, since "deBoer" or "DeShawn" may be
 * exactly how the person spells it.
 */
export function cleanName(text: string): string {
  const name = text.replace(/\s+/g, ' ').trim();
  const letters = name.replace(/[^\p{L}]/gu, '');
  if (letters === '' || (letters !== letters.toLowerCase() && letters !== letters.toUpperCase())) return name;
  return name
    .split(' ')
    .map((w, i) => (i > 0 && particles.has(w.toLowerCase()) ? w.toLowerCase() : capitalise(w)))
    .join(' ');
}

const emailPattern =
  /^[^\s@,;<>"()[\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** An email trimmed and lower-cased (mailbox names are case-insensitive in practice), or null when it is not one. */
export function cleanEmail(text: string): string | null {
  const email = text
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  return email.length <= 254 && emailPattern.test(email) && !email.includes('..') ? email : null;
}
