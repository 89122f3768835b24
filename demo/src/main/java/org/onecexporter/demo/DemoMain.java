package org.onecexporter.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ops/demo}: the main job end to end on this machine, driven from Java (no psql, curl, redis-cli or python3).
 *
 * <pre>
 *   ops/demo [--embedded] [--orders N]
 * </pre>
 *
 * <p>Environment: {@code DATABASE_URL}, {@code REDIS_URL} (see {@link Servers}), {@code DEMO_ORDERS} (120),
 * {@code DEMO_SCHEMA} (onec_demo, recreated), {@code DEMO_PREFIX} ({onec:demo}, emptied first), {@code
 * DEMO_EMULATOR_PORT} (18088), {@code DEMO_ENQUEUER_PORT} (18081), {@code DEMO_CONSOLE_PORT} (18082), {@code
 * DEMO_WORKER_PORTS} (19090,19091), {@code CONSOLE_PASSWORD} (random), {@code LOG_DIR} (logs), {@code
 * DEMO_INTERACTIVE=1} (set by ops/demo on a terminal: keep everything up until Enter).
 *
 * <p>Exit codes: 0 the summary adds up (every paid order with good data has exactly one invoice in 1C, every other
 * order is in the DLQ with its reason); 1 it does not, or a part did not start; 2 bad usage.
 */
public final class DemoMain {
  /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final java.util.logging.Logger OTEL_GLOBAL =
      java.util.logging.Logger.getLogger("io.opentelemetry.api.GlobalOpenTelemetry");

  private DemoMain() {}

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(org.onecexporter.config.Env.system().asMap());
    Path logDir = Path.of(env.getOrDefault("LOG_DIR", "logs")).toAbsolutePath();
    // Before the first logger: this JVM's own lines go to the same JSON log as the workers', not to the screen.
    System.setProperty("LOG_DIR", logDir.toString());
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-demo.xml");
    }
    // The SDK's hint about enabling its autoconfiguration is not the demo's story (tracing stays off here).
    OTEL_GLOBAL.setLevel(java.util.logging.Level.WARNING);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    DemoOptions options;
    try {
      options = DemoOptions.parse(args, env);
    } catch (IllegalArgumentException e) {
      System.err.println("ops/demo: " + e.getMessage());
      System.err.println(DemoOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      out.println(DemoOptions.USAGE);
      System.exit(0);
      return;
    }
    int code;
    try (Demo demo = new Demo(options, env, logDir, out)) {
      code = demo.run();
    } catch (Demo.Failure e) {
      out.println();
      System.err.println("ops/demo: " + e.getMessage());
      code = 1;
    } catch (Exception e) {
      out.println();
      System.err.println("ops/demo: " + org.onecexporter.config.Redact.inText(e.toString()));
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }
}
