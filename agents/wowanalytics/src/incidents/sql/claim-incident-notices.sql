-- Notices not yet sent whose last attempt (if any) is two minutes old, claimed for sending:
-- every incident's, or only incident $2's.
update support_incident_notices n set claimed_at = $1
from support_customers c, support_incidents i
where c.id = n.customer_id and i.id = n.incident_id
  and n.sent_at is null and n.claimed_at < $1::timestamptz - interval '2 minutes'
  and ($2::uuid is null or n.incident_id = $2::uuid)
returning n.incident_id, n.customer_id, n.kind, c.webhook_url, c.webhook_secret, c.webhook_secret_key_id, c.webhook_secret_sealed, i.agent_id, i.signals, i.latest_figures, i.opened_at, i.closed_at, i.owner, i.repo, i.issue_number
