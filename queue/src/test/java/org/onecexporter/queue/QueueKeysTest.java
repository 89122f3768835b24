package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.onecexporter.queue.model.QueueKeys;

class QueueKeysTest {
  @Test
  void the_prefix_needs_a_hash_tag_as_redis_cluster_reads_it() {
    for (String ok : new String[] {"{onec:invoices}", "shop:{a}", "x}{b}", "{a}{}"}) {
      assertThat(new QueueKeys(ok).prefix()).isEqualTo(ok);
    }
    for (String bad : new String[] {"{}{x}", "{}", "onec:invoices", "{x", "}x{"}) {
      assertThatThrownBy(() -> new QueueKeys(bad)).as(bad).isInstanceOf(QueueConfigException.class)
          .hasMessageContaining("QUEUE_PREFIX");
    }
  }
}
