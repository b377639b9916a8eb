import { createError } from './errors.ts';

/** A file an agent returns for a task: text as a string, anything else (a PDF) as bytes. */
export interface TaskDeliverable {
  name: string;
  mediaType: string;
  content: string | Uint8Array;
}

/** A deliverable as customer.task.completed carries it (domains/customer/model.yml). */
export interface EncodedDeliverable {
  name: string;
  mediaType: string;
  encoding: 'utf8' | 'base64';
  content: string;
}

// The model's bounds: 1 to 10 deliverables, each content at most 700,000 characters. 512 KiB
// of bytes is 699,052 characters of base64, so every deliverable within it fits the event;
// the total keeps one event (and one bus entry) at a few MiB at most.
export const deliverableLimits = { maxCount: 10, maxBytes: 512 * 1024, maxTotalBytes: 2 * 1024 * 1024 } as const;

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const mediaTypePattern = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*(; ?charset=[a-z0-9-]+)?$/;
const utf8 = new TextEncoder();

/**
 * The deliverables as the completed event carries them, or WOW_ERR_TASK_DELIVERABLE naming
 * the first one the platform cannot keep (a name that is no safe file name, an unknown
 * media type's shape, a file too big): the task then fails rather than arrive cut short.
 */
export function encodeDeliverables(agent: string, deliverables: readonly TaskDeliverable[]): EncodedDeliverable[] {
  const refuse = (problem: string) =>
    createError('WOW_ERR_TASK_DELIVERABLE', {
      agent,
      problem,
      maxCount: deliverableLimits.maxCount,
      maxBytes: deliverableLimits.maxBytes,
    });
  if (deliverables.length === 0) throw refuse('it returned none');
  if (deliverables.length > deliverableLimits.maxCount) throw refuse(`it returned ${deliverables.length}`);
  const names = new Set<string>();
  let total = 0;
  const encoded = deliverables.map((d) => {
    if (!namePattern.test(d.name)) throw refuse(`the name "${d.name.slice(0, 120)}" is not a safe file name`);
    if (names.has(d.name)) throw refuse(`two deliverables are named "${d.name}"`);
    names.add(d.name);
    if (d.mediaType.length > 100 || !mediaTypePattern.test(d.mediaType))
      throw refuse(`"${d.name}" has the media type "${d.mediaType.slice(0, 120)}", expected e.g. "text/markdown"`);
    const bytes = typeof d.content === 'string' ? utf8.encode(d.content).length : d.content.length;
    if (bytes > deliverableLimits.maxBytes) throw refuse(`"${d.name}" is ${bytes} bytes`);
    total += bytes;
    if (total > deliverableLimits.maxTotalBytes)
      throw refuse(`together they pass ${deliverableLimits.maxTotalBytes} bytes at "${d.name}"`);
    return typeof d.content === 'string'
      ? { name: d.name, mediaType: d.mediaType, encoding: 'utf8' as const, content: d.content }
      : {
          name: d.name,
          mediaType: d.mediaType,
          encoding: 'base64' as const,
          content: Buffer.from(d.content).toString('base64'),
        };
  });
  return encoded;
}
