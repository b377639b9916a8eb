-- Input: $1 the question, $2 how many articles, $3 slugs an embedding found nearest
-- (text[], empty without an embedding model): they are candidates even with no word in common.
-- Output: slug, title, intent, rank, coverage, excerpt; best rank first (after those of $3).
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
-- = any, not a join: a join may be planned on the trigram index, far slower than the key.
unknown as (
  select word from words where length(word) >= 4
  except
  select lexeme from kb_lexemes where lexeme = any (array(select word from words)) and ndoc > 0
),
fixes as (
  select u.word, f.lexeme, f.weight
  from unknown u
  cross join lateral (
    select l.lexeme, kb_word_similarity(u.word, l.lexeme)::float8 as weight
    from kb_lexemes l
    where kb_is_word_like(u.word, l.lexeme) and l.ndoc > 0
    order by weight desc, l.lexeme
    limit 3
  ) f
),
terms as (
  select word, word as lexeme, 1::float8 as weight from words
  union all
  select word, lexeme, weight from fixes
),
q as (
  select case when f.query is null then t.query else t.query || f.query end as query,
         r.query as rare,
         (select count(*) from words) as n
  from (select to_tsquery('english', coalesce(nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), ''), 'zzzznothing')) as query) t,
       -- Lexemes are already normalised: quoted, they go into the query as they are.
       (select string_agg(distinct '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery as query from fixes) f,
       -- The words that tell articles apart: those in at most a tenth of them (or 100).
       (select string_agg(distinct '''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery as query
        from terms t join kb_lexemes l on l.lexeme = t.lexeme
        where l.ndoc between 1 and greatest(100, (select count(*) from kb_articles) / 10)) r
),
-- A common word can match most articles, and ranking them all costs more than the rest of
-- the search. So the candidates are the articles with one of the question's telling words
-- (all of its words only when too few have one), and the cheaper ts_rank picks the few
-- dozen worth ranking with ts_rank_cd, coverage and a headline.
telling as (
  select a.slug
  from kb_articles a, q
  where a.search @@ q.rare
  order by ts_rank(a.search, q.query, 32) desc, a.slug
  limit greatest($2 * 10, 30)
),
candidates as (
  select slug from telling
  union
  select unnest($3::text[])
  union
  (select a.slug
   from kb_articles a, q
   where (select count(*) from telling) < $2 and a.search @@ q.query
   order by ts_rank(a.search, q.query, 32) desc, a.slug
   limit greatest($2 * 10, 30))
)
select a.slug, a.title, a.intent,
       ts_rank_cd(a.search, q.query, 32) as rank,
       coalesce((select sum(m.best) from (
         select max(t.weight) as best from terms t where t.lexeme = any (tsvector_to_array(a.search)) group by t.word
       ) m) / nullif(q.n, 0), 0)::float8 as coverage,
       ts_headline('english', a.body, q.query, 'MaxFragments=2, MinWords=12, MaxWords=40, FragmentDelimiter=" … ", StartSel="", StopSel=""') as excerpt
from candidates c join kb_articles a using (slug), q
-- The articles nearest by embedding first, so that the limit cuts none of them: the caller
-- fuses the two orders.
order by a.slug = any ($3::text[]) desc, rank desc, a.slug
limit $2
