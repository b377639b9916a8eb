/**
 * Words and phrases that spam filters and wary readers score against a marketing email,
 * gathered from the published lists of the big email services (Mailchimp, HubSpot,
 * SpamAssassin's rules): one alone rarely sends an email to spam, several together do.
 */
export const spamTriggers = [
  '100% free',
  '100% satisfied',
  'act now',
  'apply now',
  'as seen on',
  'best price',
  'buy now',
  'call now',
  'cash bonus',
  'cheap',
  'click here',
  'congratulations',
  'dear friend',
  'double your',
  'earn money',
  'extra income',
  'free',
  'get paid',
  'guarantee',
  'limited time',
  'lowest price',
  'miracle',
  'no cost',
  'no obligation',
  'no strings attached',
  'once in a lifetime',
  'order now',
  'risk-free',
  'save big',
  'special promotion',
  'this is not spam',
  'urgent',
  'winner',
  'you have been selected',
] as const;

export interface SpamHit {
  phrase: string;
  count: number;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = spamTriggers.map((phrase) => ({
  phrase,
  // Whole words only ("free" is not "freedom"), any case, any run of spaces inside a phrase.
  re: new RegExp(`(?<![\\p{L}\\p{N}])${escaped(phrase).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'giu'),
}));

/** The trigger phrases a text carries, with how often, in the list's order. */
export function findSpamTriggers(text: string): SpamHit[] {
  return patterns.map(({ phrase, re }) => ({ phrase, count: text.match(re)?.length ?? 0 })).filter((h) => h.count > 0);
}
