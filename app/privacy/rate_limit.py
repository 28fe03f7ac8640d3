"""Fixed-window counters in Redis for public lookups; when Redis is away, lookups are allowed."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from app.jobs import redis_connection

log = logging.getLogger(__name__)


def exceeded(key: str, limit: int, window_seconds: int, count: bool = True) -> bool:
    """True once `key` was counted more than `limit` times in the window; `count=False` only peeks."""
    redis_key = f"conversa:rate:{key}"
    try:
        connection = redis_connection()
        if not count:
            return int(connection.get(redis_key) or 0) >= limit
        pipe = connection.pipeline()
        pipe.set(redis_key, 0, ex=window_seconds, nx=True)
        pipe.incr(redis_key)
        _, hits = pipe.execute()
    except (RedisError, OSError):
        log.warning("rate limit store unreachable; allowing %s", key.split(":")[0])
        return False
    return int(hits) > limit
