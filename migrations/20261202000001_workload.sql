-- What an environment runs and reaches beyond its dev shell (model/workload.rs): OSAPI's
-- command, and host volumes and ports where admins are allowed them. Empty for most.
ALTER TABLE containers ADD COLUMN workload jsonb NOT NULL DEFAULT '{}'::jsonb;
