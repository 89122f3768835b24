package org.onecexporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The slow-down of guessing per address, on a clock the test moves. */
class AuthFailuresTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final AuthFailures failures = new AuthFailures(new SimpleMeterRegistry().counter("f"), now::get);
  private final byte[] operator = AuthFailures.digest("Basic b3BlcmF0b3I6cmlnaHQ=");
  private final byte[] guess = AuthFailures.digest("Basic b3BlcmF0b3I6Z3Vlc3M=");

  private void tick(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void five_wrong_attempts_within_a_minute_pause_the_address_and_each_further_one_doubles_the_pause() {
    for (int i = 1; i < AuthFailures.THRESHOLD; i++) {
      failures.refused("10.0.0.1", true);
      assertThat(failures.pause("10.0.0.1", guess)).as("after %d", i).isNull();
    }
    failures.refused("10.0.0.1", true);
    assertThat(failures.pause("10.0.0.1", guess)).isEqualTo(Duration.ofSeconds(1));
    assertThat(failures.pause("10.0.0.2", guess)).as("another address").isNull();
    long[] expected = {2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
    for (long seconds : expected) {
      tick(failures.pause("10.0.0.1", guess));
      assertThat(failures.pause("10.0.0.1", guess)).isNull();
      failures.refused("10.0.0.1", true);
      assertThat(failures.pause("10.0.0.1", guess)).isEqualTo(Duration.ofSeconds(seconds));
    }
    assertThat(AuthFailures.retryAfter(Duration.ofMillis(1500))).isEqualTo("2");
    tick(Duration.ofMinutes(20));
    failures.refused("10.0.0.1", true);
    assertThat(failures.pause("10.0.0.1", guess)).as("quiet for 15 min: a fresh start").isNull();
  }

  @Test
  void typos_spread_over_more_than_a_minute_do_not_pause_and_requests_without_credentials_never_count() {
    for (int i = 0; i < 20; i++) {
      failures.refused("10.0.0.1", true);
      tick(Duration.ofSeconds(16));
      failures.refused("10.0.0.1", false);
    }
    assertThat(failures.pause("10.0.0.1", guess)).isNull();
  }

  @Test
  void credentials_accepted_from_the_address_before_pass_its_pause_and_a_right_guess_during_it_does_not() {
    failures.accepted("10.0.0.1", operator); // the operator's browser, signed in
    for (int i = 0; i < AuthFailures.THRESHOLD; i++) {
      failures.refused("10.0.0.1", true); // someone behind the same address guessing
    }
    assertThat(failures.pause("10.0.0.1", guess)).isNotNull();
    assertThat(failures.pause("10.0.0.1", null)).isNotNull();
    assertThat(failures.pause("10.0.0.1", operator)).as("the signed-in operator").isNull();
    byte[] viewer = AuthFailures.digest("Basic dmlld2VyOnJpZ2h0");
    assertThat(failures.pause("10.0.0.1", viewer)).as("right, but never accepted from there: not checked")
        .isNotNull();
  }
}
