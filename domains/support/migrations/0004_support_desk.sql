-- The support desk: customers' tickets and their messages, and the knowledge base L1
-- answers from. Status, priority and tier are checked here too, so no door can write a
-- value the status machine does not know.
-- A customer organisation: its API keys (0005) and the webhook its events go to.
create table support_customers (
  id uuid primary key,
  slug text not null unique,
  name text not null,
  -- The customer's endpoint for replies and status changes, HMAC-signed with webhook_secret.
  webhook_url text,
  webhook_secret text,
  created_at timestamptz not null default now()
);

create table support_tickets (
  id uuid primary key,
  subject text not null,
  status text not null default 'new' check (status in ('new', 'open', 'pending_customer', 'on_hold', 'solved', 'closed')),
  priority text not null default 'normal' check (priority in ('urgent', 'high', 'normal', 'low')),
  tier text not null default 'L1' check (tier in ('L1', 'L2', 'L3')),
  -- Null for a ticket from someone not known as a customer (an email, the web form).
  customer_id uuid references support_customers (id),
  -- Where the customer writes and is answered: api (and the customer's webhook), email, web.
  channel text not null check (channel in ('api', 'email', 'web')),
  requester_email text,
  requester_name text,
  -- A follow-up to a closed ticket is a new ticket linked to the old one.
  follows_ticket_id uuid references support_tickets (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  solved_at timestamptz,
  closed_at timestamptz
);

create table support_messages (
  id uuid primary key,
  ticket_id uuid not null references support_tickets (id) on delete cascade,
  -- inbound: from the customer; outbound: to the customer; internal: never leaves GitHub.
  direction text not null check (direction in ('inbound', 'outbound', 'internal')),
  author_kind text not null check (author_kind in ('customer', 'agent', 'human', 'system')),
  author_id text not null,
  body text not null,
  -- RFC 3834: an automatic reply, which must never be answered automatically.
  auto_submitted boolean not null default false,
  -- The knowledge-base articles an answer cites.
  cites text[] not null default '{}',
  -- Where it came from or goes: the ticket's channel, or github for a comment on its issue.
  channel text not null check (channel in ('api', 'email', 'web', 'github', 'desk')),
  -- Its id there (an email's Message-ID, a comment's id): the same one is never stored twice.
  channel_msg_id text,
  -- Outbound only: when the customer's channel took it, or why it has not yet.
  delivered_at timestamptz,
  delivery_error text,
  -- clock_timestamp: messages written in one transaction keep their order.
  created_at timestamptz not null default clock_timestamp()
);

create index support_messages_ticket on support_messages (ticket_id, created_at);
create unique index support_messages_channel_id on support_messages (channel, channel_msg_id) where channel_msg_id is not null;

create table kb_articles (
  slug text primary key,
  title text not null,
  body text not null,
  -- Intents L1 may answer from this article on its own (e.g. how-to, billing-question).
  intent text not null,
  -- Title weighs more than body, as in every help-centre search.
  search tsvector generated always as (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) stored,
  updated_at timestamptz not null default now()
);

create index kb_articles_search on kb_articles using gin (search);
