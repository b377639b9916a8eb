-- Baselines look back $2 hours; older minutes judge nothing.
with gone as (delete from agent_health_minutes where minute < $1::timestamptz - make_interval(hours => $2) returning 1)
select count(*)::int as n from gone
