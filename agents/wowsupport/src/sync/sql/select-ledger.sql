select status, github_comment_id from support_sync_ledger where message_id = $1
