-- Made but not left running: OSAPI's `auto_start: false`. An environment is provisioned by
-- running it (its shell reports it configured), so it is stopped once it is ready.
ALTER TABLE containers ADD COLUMN stop_when_ready boolean NOT NULL DEFAULT false;
