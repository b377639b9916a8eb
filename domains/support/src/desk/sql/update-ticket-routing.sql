-- Tier, priority, topic and assignee as a person or a tier decided; null leaves a value as it is.
update support_tickets set tier = coalesce($2, tier), priority = coalesce($3, priority), topic = coalesce($4, topic), assignee = coalesce($5, assignee), updated_at = now()
where id = $1
