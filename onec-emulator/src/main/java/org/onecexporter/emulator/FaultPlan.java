package org.onecexporter.emulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Which fault the next request gets: first from the script (one entry per request, in order), then by
 * probability. Thread-safe.
 */
public final class FaultPlan {
  private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
  private volatile Map<Fault, Double> probabilities = Map.of();
  private final Random random;

  public FaultPlan(long seed) {
    this.random = new Random(seed);
  }

  public void script(List<Fault> faults) {
    script.addAll(faults);
  }

  public void probabilities(Map<Fault, Double> values) {
    double sum = values.values().stream().mapToDouble(Double::doubleValue).sum();
    if (sum > 1.0 + 1e-9 || values.values().stream().anyMatch(p -> p < 0)) {
      throw new IllegalArgumentException("fault probabilities must be >= 0 and sum to at most 1, got " + values);
    }
    this.probabilities = Map.copyOf(values);
  }

  public void clear() {
    script.clear();
    probabilities = Map.of();
  }

  public List<Fault> pendingScript() {
    return new ArrayList<>(script);
  }

  public Map<Fault, Double> probabilities() {
    return probabilities;
  }

  public Fault next() {
    Fault scripted = script.poll();
    if (scripted != null) {
      return scripted;
    }
    Map<Fault, Double> current = probabilities;
    if (current.isEmpty()) {
      return Fault.NONE;
    }
    double roll;
    synchronized (random) {
      roll = random.nextDouble();
    }
    double acc = 0;
    for (Map.Entry<Fault, Double> e : current.entrySet()) {
      acc += e.getValue();
      if (roll < acc) {
        return e.getKey();
      }
    }
    return Fault.NONE;
  }

  /** Parses {@code error_500=0.2,commit_then_drop=0.05}. */
  public static Map<Fault, Double> parseProbabilities(String spec) {
    Map<Fault, Double> result = new EnumMap<>(Fault.class);
    if (spec == null || spec.isBlank()) {
      return result;
    }
    for (String part : spec.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected fault=probability, got '" + part + "'");
      }
      result.put(Fault.parse(kv[0]), Double.parseDouble(kv[1].trim()));
    }
    return result;
  }
}
