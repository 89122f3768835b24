package org.onecexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMeterTest {
  @Test
  void reads_utime_plus_stime_even_when_the_command_name_has_spaces_and_parentheses() {
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 40 0 100 0 0";
    assertThat(RunMeter.parseCpuTicks(stat)).isEqualTo(1234 + 567);
  }

  @Test
  void reads_this_process_from_proc() {
    assertThat(RunMeter.cpuTicks(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
    assertThat(RunMeter.cpuTicks(-5)).isEqualTo(-1);
  }

  @Test
  void commandstats_become_calls_by_command_without_info() {
    Map<String, Long> calls = RunMeter.parseCommandstats(Map.of(
        "cmdstat_evalsha", "calls=12,usec=300,usec_per_call=25.00,rejected_calls=0,failed_calls=0",
        "cmdstat_info", "calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0",
        "cmdstat_config|resetstat", "calls=1,usec=99,usec_per_call=99.00,rejected_calls=0,failed_calls=0"));
    assertThat(calls).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 12L, "config|resetstat", 1L));
  }
}
