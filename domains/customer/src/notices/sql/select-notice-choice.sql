select choice from customer_task_notice_choices where organisation_id = $1 and user_id = $2
