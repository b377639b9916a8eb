-- The web form's rate limit: posts per client address and tickets per email address, in
-- fixed one-hour windows. A bucket is a sha256 of what it counts ('ip:<address or /64>',
-- 'email:<address>'), so the table keeps no address; a row outlives its window only
-- until a later count sweeps it away.
create table support_form_limits (
  bucket text not null,
  window_start timestamptz not null,
  submissions integer not null,
  primary key (bucket, window_start)
);

create index support_form_limits_window on support_form_limits (window_start);
