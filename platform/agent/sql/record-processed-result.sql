update processed_messages set result = $3 where scope = $1 and key = $2
