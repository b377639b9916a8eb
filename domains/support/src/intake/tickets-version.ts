/**
 * The version of a customer's tickets as listed (their rows and SLA clocks), as an SQL
 * expression of text over `$1`, the customer's id: "0" until the first change; any write to
 * those rows changes it (triggers, migration 0103). Pages ask it beside other versions in
 * one statement, and keep the list they read while it stands (readTicketPage, ticketPageAt).
 */
export const ticketsVersionSql =
  "coalesce((select version::text from support_ticket_versions where customer_id = $1), '0')";
