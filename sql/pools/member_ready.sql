-- False when the member was removed meanwhile (its pool deleted or shrunk).
UPDATE pool_members SET ready = true, docker_id = $2, ready_at = now() WHERE id = $1
