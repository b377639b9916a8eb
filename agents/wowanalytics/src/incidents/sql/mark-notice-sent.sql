update support_incident_notices set sent_at = $4 where incident_id = $1 and customer_id = $2 and kind = $3
