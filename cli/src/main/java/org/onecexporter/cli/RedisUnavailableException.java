package org.onecexporter.cli;

/** Redis cannot be reached from this command; the message is one line naming where and why (exit 5). */
final class RedisUnavailableException extends RuntimeException {
  RedisUnavailableException(String target, String why) {
    super("Redis unreachable at " + target + " (REDIS_URL): " + why);
  }
}
