SELECT u.id, u.email, u.username, u.role, u.tier, u.is_guest, u.disabled_at, u.created_at,
       (SELECT count(*) FROM containers c WHERE c.user_id = u.id AND c.status <> 'deleting')
           AS containers_used,
       1::bigint AS total
FROM users u
WHERE u.id = $1
