import { stripQuotedReply } from '#domains/support';

// A customer confirming an answer worked: "Thanks, that was it", "works now!". Anything
// with a question, a doubt or a "but" is not a confirmation, and goes on as a reply.
const confirms =
  /\b(that was it|that worked|it worked|works now|working now|solved|fixed|sorted|all good|perfect|that did it|that helped|problem gone)\b/i;
const doubts = /\?|\b(not|no longer|still|but|however|except|again)\b|n't\b/i;

/** Whether a customer's reply says the answer solved their problem. */
export function readsAsSolved(reply: string): boolean {
  const text = stripQuotedReply(reply);
  return text.length <= 280 && confirms.test(text) && !doubts.test(text);
}
