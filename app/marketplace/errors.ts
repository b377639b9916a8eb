import { defineErrors, type CodesOf } from '#platform';

/** The marketplace's errors: the catalogue, the profiles and their live feed. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_AGENT_NOT_LISTED: {
    message:
      'No agent "{id}" in the marketplace: it lists customer-facing agents only (tier Marketing, Education, Sales or Custom, with a `catalog:` in agent.yml). GET /api/catalog lists them.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_CATALOG_QUERY: {
    message:
      'The catalogue cannot be filtered that way: {problem}. Parameters: q (text, up to 100 characters), industry, skill, minRating (0 to 5), sort (rating, price or name), page (from 1).',
    retryable: false,
    status: 400,
  },
  WOW_ERR_ACTIVITY_STREAMS_FULL: {
    message:
      'This server follows as many live activity feeds as it can ({max}); try again in a minute (the profile page shows the latest work without it).',
    retryable: true,
    status: 503,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
