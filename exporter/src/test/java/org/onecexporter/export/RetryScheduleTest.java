package org.onecexporter.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.Env;
import org.onecexporter.config.OneCConfig;

class RetryScheduleTest {
  @Test
  void the_default_schedule_really_is_2_5_10_seconds_then_stop() {
    OneCConfig config = OneCConfig.fromEnv(new Env(Map.of(
        "ONEC_BASE_URL", "http://h/unf", "ONEC_USERNAME", "u", "ONEC_PASSWORD", "p")));
    RetrySchedule schedule = new RetrySchedule(config.retryDelays());

    assertThat(schedule).isEqualTo(RetrySchedule.DEFAULT);
    assertThat(schedule.maxAttempts()).isEqualTo(4);
    assertThat(schedule.delayAfter(1)).contains(Duration.ofSeconds(2));
    assertThat(schedule.delayAfter(2)).contains(Duration.ofSeconds(5));
    assertThat(schedule.delayAfter(3)).contains(Duration.ofSeconds(10));
    assertThat(schedule.delayAfter(4)).isEmpty();
  }
}
