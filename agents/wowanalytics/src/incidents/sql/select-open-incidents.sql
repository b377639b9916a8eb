select id, agent_id, signals, latest_figures, opened_at, owner, repo, issue_number
from support_incidents where closed_at is null order by opened_at
