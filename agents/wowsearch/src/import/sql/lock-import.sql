-- One import at a time, whatever its source: two could otherwise take the same slug from
-- each other. Held until the import's transaction ends.
select pg_advisory_xact_lock(hashtext('wow:kb-import'))
