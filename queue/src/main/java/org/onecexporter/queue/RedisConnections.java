package org.onecexporter.queue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/**
 * Redisson from {@code REDIS_URL}: {@code redis://[user:password@]host:port[/db]} for one server, or several
 * comma-separated node URLs for a Redis Cluster. {@code rediss://} uses TLS.
 */
public final class RedisConnections {
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";

  private RedisConnections() {}

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
      SingleServerConfig single = config.useSingleServer()
          .setAddress(first.getScheme() + "://" + first.getHost() + ":" + port(first))
          .setConnectionPoolSize(Math.max(8, connections))
          .setConnectionMinimumIdleSize(1)
          .setTimeout(timeoutMillis)
          .setConnectTimeout(timeoutMillis)
          .setRetryAttempts(timeoutMillis < 5000 ? 0 : 2)
          .setClientName("onec-exporter");
      // One event loop for every connection to the one server (Redisson's default is 32): the answers of the
      // pooled connections are then read, decoded and completed on one thread instead of waking a different loop
      // thread per call. Measured (issue 15, no-op bench, 2 cores): +8-14 % jobs/s and -25 % process CPU per job at
      // concurrency 10 and 100; 2 threads measured no better than 32. A cluster keeps the default (not measured).
      config.setNettyThreads(1);
      String path = first.getPath();
      if (path != null && path.length() > 1) {
        try {
          single.setDatabase(Integer.parseInt(path.substring(1)));
        } catch (NumberFormatException e) {
          throw new QueueConfigException("REDIS_URL", "the database (after the last /) must be a number");
        }
      }
    } else {
      ClusterServersConfig cluster = config.useClusterServers()
          .setMasterConnectionPoolSize(Math.max(8, connections))
          .setMasterConnectionMinimumIdleSize(1)
          .setTimeout(timeoutMillis)
          .setConnectTimeout(timeoutMillis)
          .setRetryAttempts(timeoutMillis < 5000 ? 0 : 2)
          .setClientName("onec-exporter");
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

  private static URI parse(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not a redis:// URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new QueueConfigException("REDIS_URL", "must look like redis://host:6379 (comma-separated for a cluster);"
          + " the value is not shown, it may hold a password");
    }
  }

  private static int port(URI uri) {
    return uri.getPort() == -1 ? 6379 : uri.getPort();
  }

  private static String[] credentials(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return new String[] {null, null};
    }
    String[] parts = uri.getRawUserInfo().split(":", 2);
    String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    String password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
    return new String[] {user.isEmpty() ? null : user, password};
  }
}
