update support_incidents set closed_at = $2 where id = $1 and closed_at is null returning id
