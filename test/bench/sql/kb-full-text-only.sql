-- The reference: the knowledge base's search before migration 0010, full-text only
-- (agents/wowsupport/src/desk/sql/search-articles.sql at that time). $1 question, $2 limit.
-- Any of the question's words may match (an OR query: questions are sentences, not
-- keyword lists); ts_rank_cd orders by how densely they do, title first. coverage is the
-- share of the question's distinct words the article contains: how much of it is answered.
with q as (
  select to_tsquery('english', coalesce(nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), ''), 'zzzznothing')) as query,
         array(select distinct lexeme from unnest(to_tsvector('english', $1))) as words
)
select a.slug, a.title, a.intent,
       ts_rank_cd(a.search, q.query, 32) as rank,
       coalesce(cardinality(array(select unnest(q.words) intersect select unnest(tsvector_to_array(a.search))))::float8 / nullif(cardinality(q.words), 0), 0) as coverage,
       ts_headline('english', a.body, q.query, 'MaxFragments=2, MinWords=12, MaxWords=40, FragmentDelimiter=" … ", StartSel="", StopSel=""') as excerpt
from kb_articles a, q
where a.search @@ q.query
order by rank desc, a.slug
limit $2
