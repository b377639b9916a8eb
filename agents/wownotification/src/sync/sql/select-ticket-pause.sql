select sync_paused_at as paused_at, sync_paused_reason as paused_reason from support_tickets where id = $1
