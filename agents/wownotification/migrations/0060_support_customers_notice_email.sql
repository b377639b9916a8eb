-- Where an organisation hears about incidents that touched its work ("we noticed and fixed X"):
-- an address of its own, apart from the requesters of its tickets, who may have left since.
alter table support_customers add column notice_email text;
