select name, slug from support_customers where id = $1
