-- The database's clock: a change made without an explicit time is timed like the ticket's own rows.
select now() as now
