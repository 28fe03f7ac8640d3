"""One pacing limiter per channel, shared by every worker: a token bucket in Redis (GCRA).

Each send reserves the next free slot 1/rate seconds after the previous one, atomically in a Lua
script on Redis' own clock, so no one-second window ever carries more than `rate` sends however
many workers share the channel. A provider 429 halves the channel's rate for a while.
"""

from __future__ import annotations

import threading
import time

from redis import Redis

# KEYS[1] = the channel's theoretical arrival time (µs); ARGV[1] = interval µs, ARGV[2] = horizon µs.
# Returns how long to wait (µs) before sending, or -wait when the slot is beyond the horizon
# (nothing reserved: ask again later, so a paused worker never hoards slots).
RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > tonumber(ARGV[2]) then return -wait end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor((wait + interval) / 1000) + 1000)
return wait
"""
SLOWDOWN_SECONDS = 30
# Aim 2.5 % under the limit: up to ~25 ms of jitter between reserving and arriving cannot tip a window over.
HEADROOM = 0.975


class Limiter:
    def __init__(self, redis: Redis | None):
        self.redis = redis
        self._script = redis.register_script(RESERVE) if redis is not None else None
        self._local: dict[int, float] = {}
        self._lock = threading.Lock()

    def rate(self, channel_id: int, rate_per_second: float) -> float:
        rate = max(rate_per_second, 0.01) * HEADROOM
        if self.redis is not None and self.redis.exists(f"conversa:rate:slow:{channel_id}"):
            rate /= 2
        return rate

    def acquire(self, channel_id: int, rate_per_second: float, horizon: float = 1.0) -> None:
        """Block until this process may send one message on the channel."""
        if rate_per_second <= 0:  # 0 means unlimited (benchmarks, local sinks)
            return
        interval = 1_000_000 / self.rate(channel_id, rate_per_second)
        while True:
            wait = self._reserve(channel_id, interval, horizon)
            if wait >= 0:
                time.sleep(wait / 1_000_000)
                return
            time.sleep(min(-wait / 1_000_000 - horizon, 0.5) + 0.001)

    def _reserve(self, channel_id: int, interval: float, horizon: float) -> float:
        if self._script is not None:
            return float(
                self._script(keys=[f"conversa:rate:tat:{channel_id}"], args=[int(interval), int(horizon * 1e6)])
            )
        with self._lock:  # inline mode: one process, so a local bucket is the shared one
            now = time.monotonic() * 1e6
            tat = max(self._local.get(channel_id, 0.0), now)
            if tat - now > horizon * 1e6:
                return -(tat - now)
            self._local[channel_id] = tat + interval
            return tat - now

    def slow_down(self, channel_id: int) -> None:
        """The provider said 429 (or failed transiently): half speed for a while."""
        if self.redis is not None:
            self.redis.set(f"conversa:rate:slow:{channel_id}", "1", ex=SLOWDOWN_SECONDS)
