update support_sync_ledger set status = 'done', github_comment_id = $2, updated_at = now() where message_id = $1
