/**
 * The specialist topics. Security, privacy and outage are L3: a person approves every
 * answer. The rest are L2 specialists that diagnose from the platform's own data.
 */
export const l3Topics = ['security', 'privacy', 'outage'] as const;
export const l2Topics = ['integration', 'performance', 'billing', 'general'] as const;
export type Topic = (typeof l3Topics)[number] | (typeof l2Topics)[number];

// Ordered: the first topic whose words appear wins, so "the API is down" is an outage, not
// an integration question, and a leaked key is security before it is anything else.
const topicWords: readonly [Topic, RegExp][] = [
  [
    'security',
    /\b(breach|leak(?:ed|s)?|compromis\w*|vulnerabilit\w*|exploit\w*|phishing|unauthori[sz]ed|hack(?:ed|er)?|cve-\d+|security)\b/i,
  ],
  [
    'privacy',
    /\b(gdpr|ccpa|personal data|data (?:deletion|export|subject)|right to (?:be forgotten|erasure)|privacy|dpa)\b/i,
  ],
  [
    'outage',
    /\b(outage|down|offline|unavailable|not (?:responding|reachable)|all requests fail\w*|5\d\d errors?|status page)\b/i,
  ],
  ['billing', /\b(invoice\w*|billing|bill(?:ed)?|charg\w*|refund\w*|payment\w*|subscription|pric\w*|seats?|plan)\b/i],
  ['performance', /\b(slow\w*|latency|lag\w*|timeouts?|timed out|takes? (?:too )?long|performance|sluggish)\b/i],
  [
    'integration',
    /\b(webhooks?|api|sdk|signatures?|hmac|integrat\w*|endpoint|callback|oauth|token|401|403|404|payload|deliver\w*)\b/i,
  ],
];

/** The topic of a ticket from its words, and from the knowledge base's best article when it names one. */
export function classifyTopic(text: string, articleIntent?: string): Topic {
  for (const [topic, words] of topicWords) if (words.test(text)) return topic;
  if (articleIntent !== undefined && (l3Topics as readonly string[]).includes(articleIntent))
    return articleIntent as Topic;
  return 'general';
}

export const isL3Topic = (topic: Topic): boolean => (l3Topics as readonly string[]).includes(topic);
