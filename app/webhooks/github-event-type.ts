/** A segment of an event type: lowercase letters, digits, "_" and "-" only. */
const segment = (name: string) => name.toLowerCase().replace(/[^a-z0-9_-]/g, '_');

/** `github.<event>.<action>`, or `github.<event>` for events without an action (push, ping). */
export function githubEventType(name: string, action: unknown): string {
  return typeof action === 'string' && action !== ''
    ? `github.${segment(name)}.${segment(action)}`
    : `github.${segment(name)}`;
}
