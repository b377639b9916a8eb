import type { FastifyReply } from 'fastify';
import { getInvoice, renderInvoicePdf } from '#domains/commerce';
import type { BillingContext, Payer } from './billing-context.ts';

/** The payer's own invoice as a PDF download; another organisation's answers as one that does not exist. */
export async function sendInvoicePdf(
  ctx: BillingContext,
  reply: FastifyReply,
  payer: Payer,
  number: string,
): Promise<FastifyReply> {
  const invoice = await getInvoice(ctx.store, number, { organisationId: payer.organisationId });
  const pdf = await renderInvoicePdf(invoice, { supplier: ctx.supplier, customer: payer.name });
  return (
    reply
      .code(200)
      .header('Content-Type', 'application/pdf')
      // The number is ours (PREFIX-YEAR-000001): safe in a header as it is.
      .header('Content-Disposition', `attachment; filename="${invoice.number}.pdf"`)
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(Buffer.from(pdf))
  );
}
