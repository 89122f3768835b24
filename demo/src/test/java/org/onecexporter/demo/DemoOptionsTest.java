package org.onecexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
  @Test
  void defaultsAndFlags() {
    DemoOptions plain = DemoOptions.parse(new String[0], Map.of());
    assertThat(plain.embedded()).isFalse();
    assertThat(plain.orders()).isEqualTo(120);
    assertThat(plain.schema()).isEqualTo("onec_demo");
    assertThat(plain.prefix()).isEqualTo("{onec:demo}");
    assertThat(plain.workerPorts()).containsExactly(19090, 19091);
    assertThat(plain.consolePassword()).startsWith("demo-").hasSizeGreaterThanOrEqualTo(12);
    assertThat(plain.interactive()).isFalse();

    DemoOptions embedded = DemoOptions.parse(new String[] {"--embedded", "--orders", "60"},
        Map.of("DEMO_INTERACTIVE", "1", "DEMO_WORKER_PORTS", "29090, 29091"));
    assertThat(embedded.embedded()).isTrue();
    assertThat(embedded.orders()).isEqualTo(60);
    assertThat(embedded.interactive()).isTrue();
    assertThat(embedded.workerPorts()).isEqualTo(List.of(29090, 29091));
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--embeded"}, Map.of()))
        .hasMessageContaining("unknown argument '--embeded'");
    assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--orders", "5"}, Map.of()))
        .hasMessageContaining("--orders must be a whole number from 40");
    assertThatThrownBy(() -> DemoOptions.parse(new String[0], Map.of("DEMO_SCHEMA", "x; DROP TABLE orders")))
        .hasMessageContaining("DEMO_SCHEMA");
  }

  @Test
  void theDemosSchemaReplacesOneInTheUrl() {
    Servers.Postgres pg = new Servers.Postgres("jdbc:postgresql://h:5432/db?currentSchema=shop&ssl=true", "u", "",
        "", () -> { });
    assertThat(pg.inSchema("onec_demo")).isEqualTo("jdbc:postgresql://h:5432/db?ssl=true&currentSchema=onec_demo");
    Servers.Postgres bare = new Servers.Postgres("jdbc:postgresql://h:5432/db", "u", "", "", () -> { });
    assertThat(bare.inSchema("onec_demo")).isEqualTo("jdbc:postgresql://h:5432/db?currentSchema=onec_demo");
  }
}
