-- Each node pulls, keeps and removes its own images: a pulled image is recorded per node, so
-- the node holding it is the one whose housekeeping removes it. Records from before nodes are
-- the one engine's; the node that adopts that engine's environments takes them.
ALTER TABLE pulled_images ADD COLUMN node text;
ALTER TABLE pulled_images DROP CONSTRAINT pulled_images_pkey;
CREATE UNIQUE INDEX pulled_images_node_reference ON pulled_images (node, reference);
