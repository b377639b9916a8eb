update support_tickets set sync_paused_at = null, sync_paused_reason = null, sync_resumed_at = now() where id = $1
