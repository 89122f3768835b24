package org.onecexporter.emulator;

import java.util.Map;

/**
 * @param hangMillis how long HANG and COMMIT_THEN_HANG wait; longer than the client's timeout by default
 */
public record EmulatorConfig(
    String host, int port, String username, String password, long latencyMillis, long hangMillis,
    Map<Fault, Double> faultProbabilities, long seed) {

  public static final String DEFAULT_USERNAME = "Администратор";
  public static final String DEFAULT_PASSWORD = "пароль";

  public EmulatorConfig {
    faultProbabilities = Map.copyOf(faultProbabilities);
  }

  /** Loopback, a free port, the Cyrillic default user, no faults. */
  public static EmulatorConfig forTests() {
    return new EmulatorConfig("127.0.0.1", 0, DEFAULT_USERNAME, DEFAULT_PASSWORD, 0, 65_000, Map.of(), 42);
  }

  public EmulatorConfig withHangMillis(long millis) {
    return new EmulatorConfig(host, port, username, password, latencyMillis, millis, faultProbabilities, seed);
  }

  public static EmulatorConfig fromEnv(Map<String, String> env) {
    return new EmulatorConfig(
        env.getOrDefault("EMULATOR_HOST", "127.0.0.1"),
        Integer.parseInt(env.getOrDefault("EMULATOR_PORT", "8088")),
        env.getOrDefault("EMULATOR_USERNAME", DEFAULT_USERNAME),
        env.getOrDefault("EMULATOR_PASSWORD", DEFAULT_PASSWORD),
        Long.parseLong(env.getOrDefault("EMULATOR_LATENCY_MS", "0")),
        Long.parseLong(env.getOrDefault("EMULATOR_HANG_MS", "65000")),
        FaultPlan.parseProbabilities(env.getOrDefault("EMULATOR_FAULTS", "")),
        Long.parseLong(env.getOrDefault("EMULATOR_SEED", Long.toString(System.nanoTime()))));
  }
}
