/** What to set, and where to find it, when the App's credentials are missing. */
export function missingCredentialsMessage(missing: readonly string[]): string {
  return (
    `GitHub App not configured: set ${missing.join(', ')}. ` +
    'All three are on the App settings page (github.com/settings/apps/<app>): App ID at the top, a private key under "Private keys", the webhook secret under "Webhook". ' +
    'To create the App, register app.yml as a GitHub App manifest. Meanwhile the platform runs, and the webhook route answers 503 until all three are set.'
  );
}
