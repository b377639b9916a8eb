-- An approval given through a door that may deliver the same request again (a pull request
-- comment, redelivered by GitHub after a crash between recording it and replying) names that
-- request: the same key again records nothing more. Approvals from the CLI carry none.
alter table identity_capability_approvals add column once_key text;
create unique index identity_capability_approvals_once on identity_capability_approvals (once_key);
