import { createError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A form post's fields. Written here rather than with URLSearchParams, which turns bytes
 * that are not UTF-8 (raw or percent-encoded) into U+FFFD without a word: a ticket would
 * keep text the customer never wrote. Such a body is WOW_ERR_FORM_ENCODING instead.
 */
export function readFormBody(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  try {
    for (const pair of utf8.decode(body).split('&')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
      // The last value of a repeated field wins, as URLSearchParams' entries do.
      fields[decode(at === -1 ? pair : pair.slice(0, at))] = decode(at === -1 ? '' : pair.slice(at + 1));
    }
  } catch (err) {
    throw createError('WOW_ERR_FORM_ENCODING', {}, { cause: err });
  }
  return fields;
}
