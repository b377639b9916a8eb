update support_tickets set status = $2, tier = $3, updated_at = now(),
  solved_at = case when $2 = 'solved' then now() else solved_at end,
  closed_at = case when $2 = 'closed' then now() else closed_at end
where id = $1
