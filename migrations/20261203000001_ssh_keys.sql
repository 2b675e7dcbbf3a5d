-- Public keys that sign their owner in to the SSH edge. A key names one user: the server
-- finds the user by the key a client offers, so the same key cannot belong to two users.
CREATE TABLE ssh_keys (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text NOT NULL,
    algorithm     text NOT NULL,
    -- As `ssh-keygen -l` prints it (SHA256:...), over the key's wire form.
    fingerprint   text NOT NULL UNIQUE,
    -- The key as registered, in OpenSSH's one-line form without its comment.
    public_key    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX ssh_keys_user_idx ON ssh_keys (user_id);
