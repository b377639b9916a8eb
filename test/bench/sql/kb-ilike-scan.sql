-- The naive reference: every article scanned with ILIKE for each of the question's words
-- ($1: patterns '%word%'), a title match weighing twice a body match. $2 limit.
select a.slug,
       (select sum((a.title ilike p)::int * 2 + (a.body ilike p)::int) from unnest($1::text[]) p) as score
from kb_articles a
where a.title ilike any ($1::text[]) or a.body ilike any ($1::text[])
order by score desc, a.slug
limit $2
