select value, updated_by, updated_at from support_settings where name = $1
