-- The pools of node $1, each with the shape its tier gives it now.
SELECT p.id, p.image, p.role, p.size,
       t.memory_mb_default AS memory_mb, t.cpu_millicores_default AS cpu_millicores,
       t.disk_mb_default AS disk_mb
FROM pools p
JOIN tiers t ON t.name = p.tier
WHERE p.node = $1
ORDER BY p.created_at
