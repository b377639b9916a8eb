-- GitHub's owner and repository names are case-insensitive: a webhook may spell the
-- support repository Acme/Support where SUPPORT_REPO says acme/support. A ticket's issue is
-- found, and kept unique, by the names in lower case.
alter table support_ticket_issues drop constraint support_ticket_issues_owner_repo_issue_number_key;
create unique index support_ticket_issues_repo_issue on support_ticket_issues (lower(owner), lower(repo), issue_number);
