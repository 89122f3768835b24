package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

class WorkerConfigTest {
  @Test
  void a_killed_workers_job_is_back_within_15_seconds_by_default() {
    WorkerConfig config = WorkerConfig.fromEnv(new Env(Map.of()));
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.renewInterval()).isLessThanOrEqualTo(Duration.ofMillis(3334));
    assertThat(config.lease().plus(config.reapInterval())).isLessThanOrEqualTo(Duration.ofSeconds(11));
  }

  @Test
  void infra_retry_delays_come_from_the_environment() {
    assertThat(WorkerConfig.fromEnv(new Env(Map.of())).infraRetryDelays())
        .isEqualTo(WorkerConfig.DEFAULT_INFRA_RETRY_DELAYS);
    assertThat(WorkerConfig.fromEnv(new Env(Map.of("INFRA_RETRY_DELAYS", "0.5, 2,60"))).infraRetryDelays())
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(1));
    assertThat(WorkerConfig.fromEnv(new Env(Map.of("INFRA_RETRY_DELAYS", ""))).infraRetryDelays())
        .as("empty: the first failure on our side dead-letters").isEqualTo(List.of());
    assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("INFRA_RETRY_DELAYS", "5,soon"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INFRA_RETRY_DELAYS");
  }
}
