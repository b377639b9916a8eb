select result from processed_messages where scope = $1 and key = $2
