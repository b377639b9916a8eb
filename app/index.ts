import type { ApplicationFunction } from 'probot';

/**
 * The Probot app: handlers that run off the bus through the Probot bridge, never inside
 * the webhook request. Engines (review, generate, triage) plug in here as they arrive.
 */
export const wowApp: ApplicationFunction = (app) => {
  app.onAny((context) => {
    app.log.debug({ event: context.name, delivery: context.id }, 'received');
  });
};
