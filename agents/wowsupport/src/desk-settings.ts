import { z } from 'zod';
import type { HandlerContext, ScheduleContext } from '#platform';
import { supportSettings } from '#domains/support';

/**
 * WowSupport's settings: the desk's own (SUPPORT_*), shared with the doors and the other
 * agents on tickets — the L1 threshold and how often the SLA clocks are swept.
 */
export const deskSettings = z.object({ support: supportSettings });
export type DeskSettings = z.infer<typeof deskSettings>;

/** What a tier's handler gets: no state of its own, everything lives in the desk's tables. */
export type DeskContext = HandlerContext<DeskSettings, undefined>;
export type DeskScheduleContext = ScheduleContext<DeskSettings, undefined>;
