package org.onecexporter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A page on another site cannot read the ops port through DNS rebinding: the browser would send that site's name as
 * {@code Host}; the ops port answers only names a scraper or a probe uses (an IP address, localhost, a one-label
 * service name such as {@code worker}, or {@code OPS_ALLOWED_HOSTS}).
 */
class OpsHostCheckTest {
  private static String statusFor(int port, String host) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString().strip();
    }
  }

  @Test
  void only_host_names_of_scrapers_and_probes_are_answered() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OpsHttpServer ops = OpsHttpServer.start("127.0.0.1", 0, false, registry, Map.of())) {
      int port = ops.port();
      assertThat(statusFor(port, "attacker.example:" + port)).startsWith("HTTP/1.1 421");
      assertThat(statusFor(port, "rebind.attacker.example")).startsWith("HTTP/1.1 421");
      assertThat(statusFor(port, "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
      assertThat(statusFor(port, "localhost:" + port)).startsWith("HTTP/1.1 200");
      assertThat(statusFor(port, "worker:9090")).startsWith("HTTP/1.1 200");
      assertThat(statusFor(port, "[::1]:" + port)).startsWith("HTTP/1.1 200");
      assertThat(statusFor(port, "10.1.2.3:9090")).startsWith("HTTP/1.1 200");
    }
  }
}
