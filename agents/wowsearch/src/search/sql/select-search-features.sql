-- Output: feature ('trigram', 'vector'): what migration 0010 found the server offers.
select feature from kb_search_features order by feature
