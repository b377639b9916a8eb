-- The secret reply addresses of the desk's mail. Every mail the desk sends on a ticket
-- carries, as Reply-To, an address of its own for that ticket (support+t-<token>@<desk
-- domain>), and a customer's mail threads onto a ticket only when it is sent to one of
-- them (and its sender takes part in the ticket): a From header and Message-IDs are no
-- proof of anything, since nothing at the desk's MX checks SPF, DKIM or DMARC. Only the
-- token's sha256 is kept, so the addresses are in the mail their recipients hold and
-- nowhere else: not in the database, its backups or the ticket's issue.
create table support_email_reply_tokens (
  token_sha256 bytea primary key,
  ticket_id uuid not null references support_tickets (id) on delete cascade,
  created_at timestamptz not null default now()
);

create index support_email_reply_tokens_ticket on support_email_reply_tokens (ticket_id);
