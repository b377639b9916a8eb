-- Written before the API call. A row another attempt left pending is taken over only
-- once its lease (two minutes) has run out; before that, no row comes back: busy.
insert into support_sync_ledger (message_id, direction, content_sha256) values ($1, $2, $3)
on conflict (message_id) do update set updated_at = now()
  where support_sync_ledger.status = 'pending' and support_sync_ledger.updated_at < now() - interval '2 minutes'
returning status, github_comment_id, (xmax = 0) as claimed
