-- Input: $1 survey id, $2 good or bad, $3 comment or null, $4 when (null: now).
update support_csat set rating = $2, comment = $3, rated_at = coalesce($4::timestamptz, now()) where id = $1
