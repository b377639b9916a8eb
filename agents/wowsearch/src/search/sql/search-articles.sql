-- Input: $1 the question, $2 how many articles, $3 slugs an embedding found nearest
-- (text[], empty without an embedding model): they are candidates even with no word in common.
-- Output: slug, title, intent, rank, coverage, excerpt; best rank first (after those of $3).
--
-- Any of the question's words may match (an OR query: questions are sentences, not
-- keyword lists). A word of four or more letters that no article uses (a typo, a partial
-- word) also matches the known words it most resembles: by trigrams (kb_is_word_like;
-- never without pg_trgm), or because one begins the other ("configu" → "configur",
-- "authentica" → "authent"), each at a weight below 1.
--
-- Articles are ranked by a field-weighted score in the manner of BM25F: each of the
-- question's words adds its inverse document frequency (rare words tell articles apart,
-- common ones barely count) times its weight, twice over when it is in the title and once
-- when it is in the body. Questions name what they ask about in few words, and help-centre
-- titles say what an article is about, so a title match is the strongest evidence; density
-- (ts_rank_cd) favoured long bodies that repeat a common word. Between equal scores, the
-- title the question covers most comes first. coverage is the share of
-- the question's distinct words the article contains: a word found as typed counts 1, one
-- found only through a resemblance counts its weight, so a guessed word never weighs as
-- much as a known one.
with words as (
  select distinct lexeme as word from unnest(to_tsvector('english', $1))
),
-- = any, not a join: a join may be planned on the trigram index, far slower than the key.
unknown as (
  select word from words where length(word) >= 4
  except
  select lexeme from kb_lexemes where lexeme = any (array(select word from words)) and ndoc > 0
),
resembling as (
  select u.word, f.lexeme, f.weight
  from unknown u
  cross join lateral (
    select l.lexeme, kb_word_similarity(u.word, l.lexeme)::float8 as weight
    from kb_lexemes l
    where kb_is_word_like(u.word, l.lexeme) and l.ndoc > 0
    order by weight desc, l.lexeme
    limit 3
  ) f
  union all
  -- A known word the unknown one begins (a word cut short), weighed by how much of it was typed.
  select u.word, f.lexeme, f.weight
  from unknown u
  cross join lateral (
    select l.lexeme, length(u.word)::float8 / length(l.lexeme) as weight
    from kb_lexemes l
    where l.lexeme like replace(replace(u.word, '\', '\\'), '%', '\%') || '%' and l.ndoc > 0
    order by l.ndoc desc, l.lexeme
    limit 3
  ) f
  union all
  -- A known word of four or more letters that begins the unknown one: the stem of a word
  -- typed in part keeps more letters than the stem of the whole word.
  select u.word, l.lexeme, length(l.lexeme)::float8 / length(u.word) as weight
  from unknown u
  join kb_lexemes l
    on l.lexeme = any (array(select left(u.word, n) from generate_series(4, length(u.word) - 1) n)) and l.ndoc > 0
),
fixes as (
  select word, lexeme, max(weight) as weight from resembling group by word, lexeme
),
terms as (
  select word, word as lexeme, 1::float8 as weight from words
  union all
  select word, lexeme, weight from fixes
),
total as (
  select greatest(n, 1)::float8 as n from kb_article_count
),
-- Each term's inverse document frequency, as BM25 has it (never below 0). Materialized:
-- inlined, it would be worked out again for every candidate.
weighted as materialized (
  select t.word, t.lexeme, t.weight * ln(1 + greatest(total.n - l.ndoc, 0) / (l.ndoc + 0.5)) as value
  from terms t, total, kb_lexemes l
  where l.lexeme = any (array(select lexeme from terms)) and l.lexeme = t.lexeme and l.ndoc > 0
),
q as (
  select case when f.query is null then t.query else t.query || f.query end as query,
         r.query as rare,
         (select count(*) from words) as n
  from (select to_tsquery('english', coalesce(nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), ''), 'zzzznothing')) as query) t,
       -- Lexemes are already normalised: quoted, they go into the query as they are.
       (select string_agg(distinct '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery as query from fixes) f,
       -- The words that tell articles apart: the question's rarest, taken rarest first while
       -- the articles that have them number under 1,500 (the rarest always).
       (select string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery as query
        from (select lexeme, ndoc, sum(ndoc) over (order by ndoc, lexeme) as running
              from kb_lexemes
              where lexeme = any (array(select lexeme from terms)) and ndoc > 0) rarest
        where running - ndoc < 1500) r
),
-- A common word can match most articles, and scoring them all costs more than the rest of
-- the search. So the candidates are the articles with one of the question's telling words
-- (all of its words only when too few have one), and the cheaper ts_rank, title first,
-- picks the few dozen worth scoring. An article about what the question asks has its
-- rarest words, so the budget costs accuracy only when every one of them is misspelt.
telling as (
  select a.slug
  from kb_articles a, q
  where a.search @@ q.rare
  order by ts_rank('{0.05, 0.1, 0.2, 1.0}', a.search, q.query) desc, a.slug
  limit greatest($2 * 20, 60)
),
candidates as (
  select slug from telling
  union
  select unnest($3::text[])
  union
  (select a.slug
   from kb_articles a, q
   where (select count(*) from telling) < $2 and a.search @@ q.query
   order by ts_rank('{0.05, 0.1, 0.2, 1.0}', a.search, q.query) desc, a.slug
   limit greatest($2 * 20, 60))
),
fields as (
  select a.slug, a.title, a.intent, a.body, a.search,
         tsvector_to_array(ts_filter(a.search, '{a}')) as in_title,
         tsvector_to_array(ts_filter(a.search, '{b}')) as in_body
  from candidates c join kb_articles a using (slug)
),
scored as materialized (
  select f.*,
         coalesce((select sum(m.best) from (
           select max(w.value * ((w.lexeme = any (f.in_title))::int * 2 + (w.lexeme = any (f.in_body))::int)) as best
           from weighted w group by w.word
         ) m), 0) as score,
         -- How much of the title the question covers: between titles that match the same
         -- words, the one that says nothing else ("Transfer the agent …" before "Transfer
         -- the agent heartbeat …").
         (select count(*) from unnest(f.in_title) x where x = any (array(select lexeme from weighted)))::float8
           / greatest(cardinality(f.in_title), 1) as title_share
  from fields f
)
select s.slug, s.title, s.intent,
       -- 0..1, for callers that compare hits; only the order matters.
       (s.score / (s.score + 1))::float8 as rank,
       coalesce((select sum(m.best) from (
         select max(t.weight) as best from terms t where t.lexeme = any (tsvector_to_array(s.search)) group by t.word
       ) m) / nullif(q.n, 0), 0)::float8 as coverage,
       ts_headline('english', s.body, q.query, 'MaxFragments=2, MinWords=12, MaxWords=40, FragmentDelimiter=" … ", StartSel="", StopSel=""') as excerpt
from scored s, q
-- The articles nearest by embedding first, so that the limit cuts none of them: the caller
-- fuses the two orders.
order by s.slug = any ($3::text[]) desc, s.score desc, s.title_share desc, s.slug
limit $2
