-- At most one open incident per agent: a second runtime judging the same regression inserts nothing.
insert into support_incidents (id, agent_id, signals, opened_figures, latest_figures, opened_at, checked_at, owner, repo)
values ($1, $2, $3, $4, $4, $5, $5, $6, $7)
on conflict (agent_id) where closed_at is null do nothing
returning id
