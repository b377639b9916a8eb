-- The circuit breaker's window: messages that crossed between the customer and the desk
-- lately (since a person last resumed the sync). A conversation between people stays well
-- under the limit; two machines answering each other do not.
select count(*)::int as n from support_messages m join support_tickets t on t.id = m.ticket_id
where m.ticket_id = $1 and m.direction in ('inbound', 'outbound')
  and m.created_at > greatest(now() - make_interval(secs => $2::double precision / 1000), coalesce(t.sync_resumed_at, '-infinity'))
