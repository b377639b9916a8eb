import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { dayIn } from './billing-calendar.ts';
import type { Invoice } from './billing-records.ts';
import { rupees } from './money.ts';

/** Who issues and who owes, as printed at the top. */
export interface InvoiceParties {
  supplier: string;
  customer: string;
}

// The standard fonts encode WinAnsi only: anything beyond it (₹, emoji, other scripts in
// an organisation's name) is printed as "?" rather than failing the whole invoice.
const printableIn = (font: PDFFont) => {
  const known = new Set(font.getCharacterSet());
  return (text: string): string =>
    Array.from(text.slice(0, 120), (c) => (known.has(c.codePointAt(0) ?? 0) && c >= ' ' ? c : '?')).join('');
};
const amount = (paise: number): string => `INR ${rupees(paise)}`;

/**
 * The invoice as an A4 PDF (pdf-lib, standard fonts, nothing fetched): number, dates in the
 * customer's time zone, each line, the subtotal, the tax and the total. Its title and
 * subject carry the number and the total too, for mail clients and archives.
 */
export async function renderInvoicePdf(invoice: Invoice, parties: InvoiceParties): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${invoice.number}`);
  pdf.setSubject(`Total ${amount(invoice.totalPaise)}`);
  pdf.setProducer('WAOOAW billing');
  pdf.setCreationDate(new Date(invoice.issuedAt));
  const page = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  // Both Helvetica faces share WinAnsi: one filter serves both.
  const printable = printableIn(regular);
  let y = 780;
  const text = (p: PDFPage, value: string, x: number, font: PDFFont, size = 10) =>
    p.drawText(printable(value), { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  const right = (p: PDFPage, value: string, edge: number, font: PDFFont, size = 10) =>
    text(p, value, edge - font.widthOfTextAtSize(printable(value), size), font, size);

  text(page, `Invoice ${invoice.number}`, 50, bold, 18);
  y -= 28;
  text(page, `From: ${parties.supplier}`, 50, regular);
  y -= 14;
  text(page, `To: ${parties.customer}`, 50, regular);
  y -= 14;
  text(page, `Issued: ${dayIn(new Date(invoice.issuedAt), invoice.timeZone)} (${invoice.timeZone})`, 50, regular);
  y -= 14;
  const state =
    invoice.status === 'paid' && invoice.paidAt !== null
      ? `Paid ${dayIn(new Date(invoice.paidAt), invoice.timeZone)}`
      : { open: 'Open', paid: 'Paid', payment_failed: 'Payment failed', void: 'Void' }[invoice.status];
  text(page, `Status: ${state}`, 50, regular);
  y -= 32;
  text(page, 'Description', 50, bold);
  right(page, 'Amount', 545, bold);
  y -= 6;
  page.drawLine({ start: { x: 50, y }, end: { x: 545, y }, thickness: 0.5 });
  y -= 16;
  for (const line of invoice.lines) {
    text(page, line.description, 50, regular);
    right(page, amount(line.amountPaise), 545, regular);
    y -= 16;
  }
  page.drawLine({ start: { x: 300, y: y + 6 }, end: { x: 545, y: y + 6 }, thickness: 0.5 });
  y -= 8;
  for (const [label, paise, font] of [
    ['Subtotal', invoice.subtotalPaise, regular],
    [`${invoice.taxName} ${invoice.taxBasisPoints / 100}%`, invoice.taxPaise, regular],
    ['Total', invoice.totalPaise, bold],
  ] as const) {
    text(page, label, 300, font);
    right(page, amount(paise), 545, font);
    y -= 16;
  }
  return pdf.save();
}
