import { z } from 'zod';

const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The Factory's settings, each from its FACTORY_* variable (.env.example). */
export const factorySettings = z.object({
  /**
   * FACTORY_REPO: owner/repo where organisations' requests for custom agents become
   * New-agent questionnaire issues (this platform's own repository); unset, requests are kept here without an issue.
   */
  repo: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
        error: "expected owner/repo, the platform's repository where custom agents are requested",
      })
      .transform((v) => {
        const [owner = '', repo = ''] = v.split('/');
        return { owner, repo };
      })
      .optional(),
  ),
});
export type FactorySettings = z.output<typeof factorySettings>;
