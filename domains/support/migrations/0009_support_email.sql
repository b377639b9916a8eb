-- The support desk's email door: what was attached to a customer's mail. Only the
-- metadata is kept ([{ filename, contentType, size, sha256 }]): the files stay in the
-- customer's mailbox, so the desk holds no content it would have to scan, protect and
-- delete. The sha256 lets a person match the file the customer sends them again.
alter table support_messages add column attachments jsonb not null default '[]'::jsonb;
