-- Input: $1 the question, $2 how many articles, $3 slugs an embedding found nearest
-- (text[], empty without an embedding model): they are candidates even with no word in common.
-- Output: slug, title, intent, rank, coverage, excerpt; best rank first.
--
-- Any of the question's words may match (an OR query: questions are sentences, not
-- keyword lists); ts_rank_cd orders by how densely they do, title first. A word of four or
-- more letters that no article uses (a typo, a partial word) also matches the up to three
-- words of the knowledge base it resembles most by trigrams (kb_is_word_like; never
-- without pg_trgm). coverage is the share of the question's distinct words the article
-- contains: a word found as typed counts 1, one found only through a resemblance counts
-- its word similarity (0.6 to 1), so a guessed word never weighs as much as a known one.
with words as (
  select distinct lexeme as word from unnest(to_tsvector('english', $1))
),
fixes as (
  select w.word, f.lexeme, f.weight
  from words w
  cross join lateral (
    select l.lexeme, kb_word_similarity(w.word, l.lexeme)::float8 as weight
    from kb_lexemes l
    where kb_is_word_like(w.word, l.lexeme)
    order by weight desc, l.lexeme
    limit 3
  ) f
  where length(w.word) >= 4 and not exists (select 1 from kb_lexemes k where k.lexeme = w.word)
),
terms as (
  select word, word as lexeme, 1::float8 as weight from words
  union all
  select word, lexeme, weight from fixes
),
q as (
  select case when f.query is null then t.query else t.query || f.query end as query,
         (select count(*) from words) as n
  from (select to_tsquery('english', coalesce(nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), ''), 'zzzznothing')) as query) t,
       -- Lexemes are already normalised: quoted, they go into the query as they are.
       (select string_agg(distinct '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery as query from fixes) f
)
select a.slug, a.title, a.intent,
       ts_rank_cd(a.search, q.query, 32) as rank,
       coalesce((select sum(m.best) from (
         select max(t.weight) as best from terms t where t.lexeme = any(tsvector_to_array(a.search)) group by t.word
       ) m) / nullif(q.n, 0), 0)::float8 as coverage,
       ts_headline('english', a.body, q.query, 'MaxFragments=2, MinWords=12, MaxWords=40, FragmentDelimiter=" … ", StartSel="", StopSel=""') as excerpt
from kb_articles a, q
where a.search @@ q.query or a.slug = any($3::text[])
order by rank desc, a.slug
limit $2
