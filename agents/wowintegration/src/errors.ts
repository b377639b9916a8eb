import { defineErrors, type CodesOf } from '#platform';

/** WowIntegration's errors: connectors, their credentials and inbound webhooks. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_CONNECTOR_INVALID: {
    message: 'Connectors in {dir} are invalid, so WowIntegration does not start. Fix each line named:\n{problems}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_CONNECTOR_NOT_FOUND: {
    message: 'No connector "{name}" in {dir}; the connectors are: {known}.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_CREDENTIAL_MISSING: {
    message:
      'Connector "{name}" has no credential stored; store its client id and secret (and refresh token) with `wow integrations credential {name}`.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_TOKEN_REFUSED: {
    message: 'The token endpoint of connector "{name}" refused the {grant} grant: {problem}.',
    retryable: false,
    status: 502,
  },
  WOW_ERR_INTEGRATION_UNAUTHORIZED: {
    message:
      'The API of connector "{name}" refused its token (HTTP 401) for {eventType} {eventId}; kept until a credential refresh.',
    // Sending again with the same token would only be refused again: the remedy is a new token, a playbook's call.
    retryable: false,
    status: 502,
  },
  WOW_ERR_INTEGRATION_WEBHOOK: {
    message: 'The webhook for connector "{name}" was refused: {problem}.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_INTEGRATION_WEBHOOK_TOO_LARGE: {
    message: 'The webhook for connector "{name}" is over the {limit} bytes its connector takes (webhook.maxBodyBytes).',
    retryable: false,
    status: 413,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
