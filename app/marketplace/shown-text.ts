import { hiddenCharacterPattern } from '#platform';

// What reorders, hides or controls text is left out of everything strangers read: a name
// that reads as another's, a bidi override turning a sentence round, a terminal escape.
const hidden = hiddenCharacterPattern();

/** Text from a manifest or an agent's event as the pages and the API show it. */
export const shownText = (text: string): string => text.replace(hidden, '').trim();
