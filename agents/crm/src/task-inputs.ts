// The input of each task type CRM Hygiene Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** crm.clean: Clean a contacts list */
export const cleanInput = z.strictObject({
  // the contacts as CSV with a header row: email, phone, and name (or first_name and last_name); other columns are kept
  contacts: z.string().min(1).max(200000),
  // the country (ISO 3166 code) of phone numbers written without a country code
  defaultCountry: z.enum([
    'us',
    'ca',
    'gb',
    'ie',
    'in',
    'au',
    'nz',
    'de',
    'fr',
    'es',
    'it',
    'nl',
    'sg',
    'za',
    'ae',
    'br',
  ]),
});
export type CleanInput = z.output<typeof cleanInput>;
