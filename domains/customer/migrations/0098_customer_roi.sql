-- What the customer dashboard's ROI is computed from besides the tasks: the organisation's
-- cost of an hour of a person's work (an owner sets it), and the revenue its members record
-- as coming from the agents' work. Money is integer paise (bigint), never a float.
create table customer_roi_settings (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  -- At most ₹1,00,00,000 an hour: a typo of many zeros is refused, not multiplied.
  hourly_cost_paise bigint not null check (hourly_cost_paise between 0 and 1000000000),
  updated_by uuid references commerce_users (id) on delete set null,
  updated_at timestamptz not null
);

create table customer_revenue_impacts (
  id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  amount_paise bigint not null check (amount_paise between 1 and 100000000000),
  note text not null check (char_length(note) between 1 and 200),
  -- The day the revenue came in, as the customer says it (no time, no zone).
  occurred_on date not null,
  recorded_by uuid references commerce_users (id) on delete set null,
  recorded_at timestamptz not null
);

create index customer_revenue_impacts_organisation on customer_revenue_impacts (organisation_id, occurred_on desc);

-- The dashboard's reads of an organisation's done tasks: counts by type, and by day over a
-- range of finished_at (the last 30 days of a year's work, not the year).
create index customer_tasks_done on customer_tasks (organisation_id, finished_at) include (agent_id, task_type)
  where state = 'done';
