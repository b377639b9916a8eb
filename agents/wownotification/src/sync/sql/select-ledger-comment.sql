select message_id from support_sync_ledger where github_comment_id = $1
