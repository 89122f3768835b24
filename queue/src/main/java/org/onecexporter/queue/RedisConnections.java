package org.onecexporter.queue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;

/**
 * Redisson from {@code REDIS_URL}, in one of three forms ({@code rediss} instead of {@code redis} uses TLS):
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}: one server;
 *   <li>{@code redis://[user:password@]host1:port1,redis://host2:port2,…}: the nodes of a Redis Cluster;
 *   <li>{@code redis-sentinel://[user:password@]sentinel1:26379,sentinel2:26379,…[/db]#mastername}: a primary and
 *       its replicas behind Redis Sentinel (the form Lettuce and Spring read). The user and password are the data
 *       nodes' (the primary and replicas); sentinels that require a password of their own get it from {@value
 *       #SENTINEL_PASSWORD}, else they are sent the data nodes' password, and none when they accept no password.
 * </ul>
 *
 * A password with reserved characters ({@code @ : / # %}) is written %-encoded. A malformed value fails with a
 * {@link QueueConfigException} that never quotes it.
 */
public final class RedisConnections {
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  /** The environment variable of the Sentinel processes' own password, when it differs from the data nodes'. */
  public static final String SENTINEL_PASSWORD = "REDIS_SENTINEL_PASSWORD";
  private static final String SENTINEL_SCHEME = "redis-sentinel";
  private static final String SENTINEL_TLS_SCHEME = "rediss-sentinel";

  private RedisConnections() {}

  /** From an environment: {@code REDIS_URL} (default {@value #DEFAULT_URL}) and {@value #SENTINEL_PASSWORD}. */
  public static RedissonClient create(Map<String, String> env, int connections) {
    return Redisson.create(config(env, connections, 5000));
  }

  /** As {@link #create(Map, int)}, without connecting. */
  public static Config config(Map<String, String> env, int connections, int timeoutMillis) {
    return config(value(env, "REDIS_URL", DEFAULT_URL), value(env, SENTINEL_PASSWORD, null), connections,
        timeoutMillis);
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public static RedissonClient create(String redisUrl, int connections) {
    return create(redisUrl, connections, 5000);
  }

  /**
   * @param timeoutMillis command and connect timeout; the payment path uses a short one so that an unreachable
   *     Redis is reported at once instead of holding the payment
   */
  public static RedissonClient create(String redisUrl, int connections, int timeoutMillis) {
    return Redisson.create(config(redisUrl, connections, timeoutMillis));
  }

  /** Parses {@code REDIS_URL} into a Redisson configuration without connecting; malformed URLs fail here. */
  public static Config config(String redisUrl, int connections, int timeoutMillis) {
    return config(redisUrl, null, connections, timeoutMillis);
  }

  /**
   * As {@link #config(String, int, int)}, with the sentinels' own password (null: the data nodes' password, when the
   * sentinels accept it).
   */
  public static Config config(String redisUrl, String sentinelPassword, int connections, int timeoutMillis) {
    String trimmed = redisUrl.trim();
    if (trimmed.startsWith(SENTINEL_SCHEME + "://") || trimmed.startsWith(SENTINEL_TLS_SCHEME + "://")) {
      return sentinel(trimmed, sentinelPassword, connections, timeoutMillis);
    }
    List<String> nodes = Arrays.stream(redisUrl.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (nodes.isEmpty()) {
      throw new QueueConfigException("REDIS_URL", "is empty");
    }
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.setUseScriptCache(true);
    URI first = parse(nodes.get(0));
    String[] credentials = credentials(first);
    if (nodes.size() == 1) {
      SingleServerConfig single = limits(config.useSingleServer(), timeoutMillis)
          .setAddress(first.getScheme() + "://" + first.getHost() + ":" + port(first))
          .setConnectionPoolSize(Math.max(8, connections))
          .setConnectionMinimumIdleSize(1);
      // One event loop for every connection to the one server (Redisson's default is 32): the answers of the
      // pooled connections are then read, decoded and completed on one thread instead of waking a different loop
      // thread per call. Measured (issue 15, no-op bench, 2 cores): +8-14 % jobs/s and -25 % process CPU per job at
      // concurrency 10 and 100; 2 threads measured no better than 32. A cluster keeps the default (not measured).
      config.setNettyThreads(1);
      String path = first.getPath();
      if (path != null && path.length() > 1) {
        single.setDatabase(database(path.substring(1)));
      }
    } else {
      ClusterServersConfig cluster = limits(config.useClusterServers(), timeoutMillis)
          .setMasterConnectionPoolSize(Math.max(8, connections))
          .setMasterConnectionMinimumIdleSize(1);
      for (String node : nodes) {
        URI uri = parse(node);
        cluster.addNodeAddress(uri.getScheme() + "://" + uri.getHost() + ":" + port(uri));
      }
    }
    if (credentials[0] != null) {
      config.setUsername(credentials[0]);
    }
    if (credentials[1] != null) {
      config.setPassword(credentials[1]);
    }
    return config;
  }

  /** Timeouts, retries and the client name every server kind gets: no retries below 5 s, two above. */
  private static <T extends BaseConfig<T>> T limits(T servers, int timeoutMillis) {
    return servers.setTimeout(timeoutMillis)
        .setConnectTimeout(timeoutMillis)
        .setRetryAttempts(timeoutMillis < 5000 ? 0 : 2)
        .setClientName("onec-exporter");
  }

  /** The database index of a URL's path (after the last /). */
  private static int database(String path) {
    try {
      return Integer.parseInt(path);
    } catch (NumberFormatException e) {
      throw new QueueConfigException("REDIS_URL", "the database (after the last /) must be a number");
    }
  }

  /**
   * The primary behind Sentinel. Every command goes to the primary (reads too: the queue's reads must see its own
   * writes, and a replica lags; with reads and subscriptions on the primary Redisson opens no connection to the
   * replicas), with the single server's pool, timeouts, retries and one event loop, since, as there, all commands
   * go to one server. Redisson asks the sentinels for the primary, follows their {@code +switch-master}
   * announcements and re-checks them every second ({@code scanInterval}).
   */
  private static Config sentinel(String url, String sentinelPassword, int connections, int timeoutMillis) {
    boolean tls = url.startsWith(SENTINEL_TLS_SCHEME + "://");
    String rest = url.substring(url.indexOf("://") + 3);
    int hash = rest.lastIndexOf('#');
    String master;
    try {
      master = hash < 0 ? "" : URLDecoder.decode(rest.substring(hash + 1), StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      // The part after '#' may be the end of a password with an unencoded '#': never quoted.
      throw new QueueConfigException("REDIS_URL", "the master name after # is not a valid URL-encoded name (a '#'"
          + " in a password must be written %23); the value is not shown, it may hold a password");
    }
    if (master.isEmpty()) {
      throw new QueueConfigException("REDIS_URL", "a redis-sentinel:// URL must end with #<master name> (the name"
          + " the sentinels monitor, e.g. #mymaster); the value is not shown, it may hold a password");
    }
    rest = rest.substring(0, hash);
    // Everything up to the last '@' is user-info, so that a password with an unencoded '/' or '@' still parses.
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? null : rest.substring(0, at);
    rest = rest.substring(at + 1);
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.setUseScriptCache(true);
    config.setNettyThreads(1); // all commands go to the primary, as with one server (see there)
    SentinelServersConfig sentinel = limits(config.useSentinelServers(), timeoutMillis)
        .setMasterName(master)
        .setReadMode(ReadMode.MASTER)
        .setMasterConnectionPoolSize(Math.max(8, connections))
        .setMasterConnectionMinimumIdleSize(1);
    List<String> sentinels = Arrays.stream(hosts.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (sentinels.isEmpty()) {
      throw new QueueConfigException("REDIS_URL", "a redis-sentinel:// URL names no sentinel (host:26379, comma-"
          + "separated); the value is not shown, it may hold a password");
    }
    for (String host : sentinels) {
      URI uri = parse((tls ? "rediss" : "redis") + "://" + host);
      if (uri.getRawUserInfo() != null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
        throw new QueueConfigException("REDIS_URL", "a redis-sentinel:// URL lists sentinels as host:port, comma-"
            + "separated, with the user and password once before the first; the value is not shown");
      }
      sentinel.addSentinelAddress(uri.getScheme() + "://" + uri.getHost() + ":"
          + (uri.getPort() == -1 ? 26379 : uri.getPort()));
    }
    if (!path.isEmpty()) {
      sentinel.setDatabase(database(path));
    }
    if (userInfo != null) {
      String[] credentials = credentials(userInfo);
      if (credentials[0] != null) {
        config.setUsername(credentials[0]);
      }
      if (credentials[1] != null) {
        config.setPassword(credentials[1]);
      }
    }
    if (sentinelPassword != null && !sentinelPassword.isEmpty()) {
      sentinel.setSentinelPassword(sentinelPassword);
    }
    return config;
  }

  private static URI parse(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not a redis:// URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new QueueConfigException("REDIS_URL", "must look like redis://host:6379 (comma-separated for a cluster,"
          + " redis-sentinel://host:26379,host:26379#mymaster for Sentinel); the value is not shown, it may hold a"
          + " password");
    }
  }

  private static int port(URI uri) {
    return uri.getPort() == -1 ? 6379 : uri.getPort();
  }

  private static String[] credentials(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return new String[] {null, null};
    }
    return credentials(uri.getRawUserInfo());
  }

  /** {@code user:password}, %-decoded; an empty user is none (the default user). */
  private static String[] credentials(String rawUserInfo) {
    String[] parts = rawUserInfo.split(":", 2);
    try {
      String user = URLDecoder.decode(parts[0].replace("+", "%2B"), StandardCharsets.UTF_8);
      String password = parts.length > 1 ? URLDecoder.decode(parts[1].replace("+", "%2B"), StandardCharsets.UTF_8)
          : null;
      return new String[] {user.isEmpty() ? null : user, password};
    } catch (IllegalArgumentException e) { // its message quotes the bad escape: a piece of the password
      throw new QueueConfigException("REDIS_URL", "the user or password holds a malformed %-escape; the value is"
          + " not shown");
    }
  }

  /**
   * How long a command may take to answer on this client, retries included: timeout × (1 + retries), the pauses
   * between them and a margin; 10 s for a client configured otherwise.
   */
  static long commandWait(RedissonClient redis) {
    try {
      Config config = redis.getConfig();
      BaseConfig<?> base = config.isClusterConfig() ? config.useClusterServers()
          : config.isSingleConfig() ? config.useSingleServer()
          : config.isSentinelConfig() ? config.useSentinelServers() : null;
      if (base != null) {
        int attempts = 1 + Math.max(0, base.getRetryAttempts());
        return (long) base.getTimeout() * attempts + 1000L * (attempts - 1) + 50;
      }
    } catch (RuntimeException e) {
      // a client configured otherwise: the default below
    }
    return 10_000;
  }
}
