package org.onecexporter.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's command line and environment. */
record DemoOptions(boolean embedded, boolean help, int orders, String schema, String prefix, int emulatorPort,
    int enqueuerPort, int consolePort, List<Integer> workerPorts, String consolePassword, boolean interactive) {

  static final String USAGE = """
      usage: ops/demo [--embedded] [--orders N]
        --embedded   run on an embedded PostgreSQL and Redis (started for this run, on free ports), whatever
                     DATABASE_URL/REDIS_URL say or runs locally; without it the demo uses DATABASE_URL/REDIS_URL,
                     else the local servers on 127.0.0.1:5432/6379 when they answer, else embedded ones
        --orders N   how many orders the shop records (default DEMO_ORDERS or 120; at least 40)
      The demo uses its own schema (DEMO_SCHEMA, onec_demo, recreated) and queue prefix (DEMO_PREFIX,
      {onec:demo}, emptied first); it stops everything it started.""";

  static DemoOptions parse(String[] args, Map<String, String> env) {
    boolean embedded = false;
    boolean help = false;
    Integer orders = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--embedded" -> embedded = true;
        case "-h", "--help" -> help = true;
        case "--orders" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--orders needs a number");
          }
          orders = number("--orders", args[++i], 40, 100_000);
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    if (orders == null) {
      orders = number("DEMO_ORDERS", env.getOrDefault("DEMO_ORDERS", "120"), 40, 100_000);
    }
    String schema = env.getOrDefault("DEMO_SCHEMA", "onec_demo");
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("DEMO_SCHEMA must be a lower-case identifier, got '" + schema + "'");
    }
    List<Integer> workerPorts = new ArrayList<>();
    for (String port : env.getOrDefault("DEMO_WORKER_PORTS", "19090,19091").split(",")) {
      workerPorts.add(number("DEMO_WORKER_PORTS", port.trim(), 1, 65_535));
    }
    if (workerPorts.size() != 2) {
      throw new IllegalArgumentException("DEMO_WORKER_PORTS names the two workers' ports, e.g. 19090,19091");
    }
    String password = env.get("CONSOLE_PASSWORD");
    if (password == null || password.isBlank()) {
      password = "demo-" + randomHex(9);
    }
    return new DemoOptions(embedded, help, orders, schema, env.getOrDefault("DEMO_PREFIX", "{onec:demo}"),
        number("DEMO_EMULATOR_PORT", env.getOrDefault("DEMO_EMULATOR_PORT", "18088"), 1, 65_535),
        number("DEMO_ENQUEUER_PORT", env.getOrDefault("DEMO_ENQUEUER_PORT", "18081"), 1, 65_535),
        number("DEMO_CONSOLE_PORT", env.getOrDefault("DEMO_CONSOLE_PORT", "18082"), 1, 65_535),
        List.copyOf(workerPorts), password, "1".equals(env.get("DEMO_INTERACTIVE")));
  }

  private static int number(String name, String text, int min, int max) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '"
        + text + "'");
  }

  static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new java.security.SecureRandom().nextBytes(random);
    return java.util.HexFormat.of().formatHex(random);
  }
}
