-- Variables the owner gave at create (`KEY=VALUE`), set in the environment's container.
ALTER TABLE containers ADD COLUMN env jsonb NOT NULL DEFAULT '[]';
