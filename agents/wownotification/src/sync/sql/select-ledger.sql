select status, github_comment_id, error from support_sync_ledger where message_id = $1
