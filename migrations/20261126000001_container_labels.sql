-- Labels a client gives an environment at create (Rexec's `labels`): kept, shown, filtered on.
ALTER TABLE containers ADD COLUMN labels jsonb NOT NULL DEFAULT '{}'::jsonb;
