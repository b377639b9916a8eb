import { validate } from '@octokit/graphql-schema';

/** What GitHub's GraphQL API would reject in `query` (syntax, unknown fields, argument types), by its published schema. */
export function graphqlProblems(query: string): string[] {
  try {
    return validate(query).map((e) => e.message);
  } catch (err) {
    return [(err as Error).message];
  }
}
