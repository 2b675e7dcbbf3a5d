-- Labels an admin set stay when the node registers again: the admin edits them so that work
-- is addressed as the fleet needs, and a restart must not undo that. Until an admin sets
-- them, a node's labels are those of its settings, replaced at each registration.
ALTER TABLE nodes ADD COLUMN labels_by_admin boolean NOT NULL DEFAULT false;
