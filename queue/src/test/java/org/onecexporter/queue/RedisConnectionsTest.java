package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;

/** What each form of {@code REDIS_URL} configures, and that a malformed one never shows its password. */
class RedisConnectionsTest {
  private static final String SECRET = "s3cr%23t";

  @Test
  void a_sentinel_url_names_the_sentinels_the_master_and_the_database() {
    Config config = RedisConnections.config(Map.of("REDIS_URL",
        "redis-sentinel://app:pa%40ss+w%3Ard@s1.example:26380, s2.example ,10.0.0.3:26381/3#mymaster"), 16, 500);

    assertThat(config.isSentinelConfig()).isTrue();
    SentinelServersConfig sentinel = config.useSentinelServers();
    assertThat(sentinel.getMasterName()).isEqualTo("mymaster");
    assertThat(sentinel.getSentinelAddresses())
        .containsExactly("redis://s1.example:26380", "redis://s2.example:26379", "redis://10.0.0.3:26381");
    assertThat(sentinel.getDatabase()).isEqualTo(3);
    assertThat(config.getUsername()).isEqualTo("app");
    assertThat(config.getPassword()).as("%-decoded, '+' kept").isEqualTo("pa@ss+w:rd");
    assertThat(sentinel.getSentinelPassword()).as("none given: the data nodes' password is tried").isNull();
    assertThat(sentinel.getReadMode()).as("the queue reads its own writes").isEqualTo(ReadMode.MASTER);
  }

  @Test
  void a_sentinel_password_of_their_own_comes_from_REDIS_SENTINEL_PASSWORD() {
    Config config = RedisConnections.config(Map.of("REDIS_URL", "redis-sentinel://:data@127.0.0.1:26379#m",
        "REDIS_SENTINEL_PASSWORD", "guard"), 16, 500);

    assertThat(config.getPassword()).isEqualTo("data");
    assertThat(config.getUsername()).isNull();
    assertThat(config.useSentinelServers().getSentinelPassword()).isEqualTo("guard");
  }

  @Test
  void sentinel_keeps_the_single_servers_pool_timeouts_retries_and_event_loop() {
    for (int timeout : new int[] {500, 5000}) {
      Config single = RedisConnections.config("redis://127.0.0.1:6379", 16, timeout);
      Config sentinel = RedisConnections.config("redis-sentinel://127.0.0.1:26379#m", 16, timeout);
      SingleServerConfig s = single.useSingleServer();
      SentinelServersConfig m = sentinel.useSentinelServers();
      assertThat(m.getTimeout()).isEqualTo(s.getTimeout()).isEqualTo(timeout);
      assertThat(m.getConnectTimeout()).isEqualTo(s.getConnectTimeout());
      assertThat(m.getRetryAttempts()).isEqualTo(s.getRetryAttempts());
      assertThat(m.getMasterConnectionPoolSize()).isEqualTo(s.getConnectionPoolSize());
      assertThat(sentinel.getNettyThreads()).isEqualTo(single.getNettyThreads()).isEqualTo(1);
      assertThat(m.getClientName()).isEqualTo(s.getClientName());
    }
  }

  @Test
  void rediss_sentinel_uses_tls_to_every_node() {
    Config config = RedisConnections.config("rediss-sentinel://a:26379,b#m", 16, 500);
    assertThat(config.useSentinelServers().getSentinelAddresses())
        .containsExactly("rediss://a:26379", "rediss://b:26379");
  }

  @Test
  void malformed_sentinel_urls_are_refused_without_showing_the_password() {
    for (String url : new String[] {
        "redis-sentinel://:" + SECRET + "@h1:26379,h2:26379", // no #master
        "redis-sentinel://:" + SECRET + "@h1:26379#", // an empty master
        "redis-sentinel://:" + SECRET + "@#m", // no sentinel
        "redis-sentinel://:" + SECRET + "@h1:26379/x#m", // a database that is no number
        "redis-sentinel://:" + SECRET + "@h1:notaport#m",
        "redis-sentinel://:" + SECRET + "@h1:26379,redis://h2:26379#m", // a node with a scheme of its own
        "redis-sentinel://:" + SECRET + "%zz@h1:26379#m", // a malformed escape
        "redis-sentinel://:pa#s%zz@h1:26379", // an unencoded '#' in the password, a malformed escape after it
        "redis://:" + SECRET + "%zz@h1:6379"}) {
      assertThatThrownBy(() -> RedisConnections.config(url, 16, 500))
          .as(url)
          .isInstanceOf(QueueConfigException.class)
          .hasMessageStartingWith("REDIS_URL: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr").doesNotContain("zz"));
    }
  }

  @Test
  void the_single_server_and_cluster_forms_are_unchanged() {
    Config single = RedisConnections.config(Map.of("REDIS_URL", "redis://u:p%2Bq+r@127.0.0.1:6390/2"), 16, 500);
    assertThat(single.isSingleConfig()).isTrue();
    assertThat(single.useSingleServer().getAddress()).isEqualTo("redis://127.0.0.1:6390");
    assertThat(single.useSingleServer().getDatabase()).isEqualTo(2);
    assertThat(single.getPassword()).isEqualTo("p+q+r");

    Config defaults = RedisConnections.config(Map.of(), 16, 500);
    assertThat(defaults.useSingleServer().getAddress()).isEqualTo("redis://127.0.0.1:6379");
    Config nodes = RedisConnections.config("redis://a:7000,redis://b:7001", 16, 500);
    assertThat(nodes.isClusterConfig()).isTrue();
    assertThat(nodes.useClusterServers().getNodeAddresses()).containsExactly("redis://a:7000", "redis://b:7001");
  }
}
