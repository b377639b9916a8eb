-- The organisations a mail's sender may send tasks for: theirs as a member, at a verified
-- address only (email_key is the address trimmed and lowercased, as accounts store it).
select u.id as user_id, u.email, u.name, c.id as organisation_id, c.slug
from commerce_users u
join commerce_memberships m on m.user_id = u.id
join support_customers c on c.id = m.organisation_id
where u.email_key = lower(btrim($1)) and u.email_verified_at is not null
order by c.slug
