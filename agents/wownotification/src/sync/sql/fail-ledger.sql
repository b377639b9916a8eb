update support_sync_ledger set status = 'failed', error = $2, updated_at = now() where message_id = $1
