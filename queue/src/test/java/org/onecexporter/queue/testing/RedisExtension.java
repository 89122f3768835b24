package org.onecexporter.queue.testing;

import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Gives each test class a queue under a key prefix of its own, on {@code REDIS_URL} when set, on a Testcontainers
 * Redis where a Docker engine runs, and otherwise fails saying which to provide. Inject {@link TestRedis}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RedisExtension.class);

  /** A queue of its own for one test class, and the URL a child process needs. */
  public record TestRedis(JobQueue queue, RedissonClient client, String url, String prefix) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    String url = url(context);
    String prefix = "{t:" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT) + ":"
        + UUID.randomUUID().toString().substring(0, 8) + "}";
    RedissonClient client = RedisConnections.create(url, 16);
    JobQueue queue = new JobQueue(client, new QueueKeys(prefix));
    context.getStore(NS).put(TestRedis.class, new TestRedis(queue, client, url, prefix));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestRedis redis = context.getStore(NS).remove(TestRedis.class, TestRedis.class);
    if (redis != null) {
      redis.queue().deleteAll();
      redis.client().shutdown();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestRedis.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getStore(NS).get(TestRedis.class) == null && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).get(TestRedis.class, TestRedis.class);
  }

  private static String url(ExtensionContext context) {
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      return url;
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          "These tests need Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379) or run a Docker engine.");
    }
    GenericContainer<?> container = context.getRoot().getStore(NS).getOrComputeIfAbsent("container", key -> {
      GenericContainer<?> started = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      started.start();
      return started;
    }, GenericContainer.class);
    return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
  }
}
