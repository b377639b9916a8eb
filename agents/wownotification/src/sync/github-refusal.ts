/**
 * GitHub's answer when it will not take what was sent (400, 422: the same request would be
 * refused again), short and in plain words for a note: "422 Validation Failed". Undefined
 * for any other failure, which is worth retrying (5xx, a network error, a rate limit).
 */
export function githubRefusal(err: unknown): string | undefined {
  const status = (err as { status?: unknown }).status;
  if (status !== 400 && status !== 422) return undefined;
  const said = (err as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  // GitHub's words land in Markdown: letters, digits and plain punctuation only, bounded.
  const words =
    typeof said === 'string'
      ? said
          .replace(/[^\w .,'-]/g, '')
          .slice(0, 100)
          .trim()
      : '';
  return words === '' ? String(status) : `${status} ${words}`;
}
