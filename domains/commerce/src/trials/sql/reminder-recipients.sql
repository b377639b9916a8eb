-- Who a trial's reminder goes to: the organisation's owners, and the member who started it,
-- each at a verified address.
select u.id, u.email, u.name
  from commerce_memberships m
  join commerce_users u on u.id = m.user_id
 where m.organisation_id = $1 and (m.role = 'owner' or m.user_id = $2) and u.email_verified_at is not null
 order by u.email
