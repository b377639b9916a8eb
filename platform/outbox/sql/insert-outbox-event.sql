insert into outbox (event) values ($1)
