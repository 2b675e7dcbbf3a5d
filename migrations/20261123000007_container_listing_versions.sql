-- A counter per owner that every change to their environments' listed columns moves on, in the
-- same transaction as the change: a listing remembered under one value is known to be current
-- while the counter still holds it, whichever process made the change. No foreign key: the
-- counter of a deleted user is harmless, and the cascade deleting their environments would
-- otherwise trip over it.
CREATE TABLE container_listing_versions (
    user_id uuid PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION bump_container_listing_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owner uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
BEGIN
    INSERT INTO container_listing_versions AS counter (user_id, version) VALUES (owner, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = counter.version + 1;
    IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN
        INSERT INTO container_listing_versions AS counter (user_id, version)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = counter.version + 1;
    END IF;
    RETURN NULL;
END
$$;

-- Activity stamps (last_activity_at) are not listed and change with every keystroke batch:
-- they leave the counter alone.
CREATE TRIGGER containers_listing_version
AFTER INSERT OR DELETE OR UPDATE OF user_id, name, image, role, shell, env, memory_mb,
    cpu_millicores, disk_mb, status, stage, progress, message, docker_id, expires_at,
    created_at, updated_at
ON containers
FOR EACH ROW EXECUTE FUNCTION bump_container_listing_version();
