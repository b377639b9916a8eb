// The input of each task type SEO Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** seo.audit: Audit a page */
export const auditInput = z.strictObject({
  // the page's HTML source
  html: z.string().min(1).max(200000),
  // the page's address, which tells internal links from external ones
  pageUrl: z.url().max(2048).optional(),
  // the keyword whose density is measured
  keyword: z.string().min(1).max(80).optional(),
});
export type AuditInput = z.output<typeof auditInput>;
