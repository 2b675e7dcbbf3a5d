-- One user with how many environments they hold.
SELECT u.*,
       (SELECT count(*) FROM containers c WHERE c.user_id = u.id AND c.status <> 'deleting')
           AS containers_used
FROM users u
WHERE u.id = $1
