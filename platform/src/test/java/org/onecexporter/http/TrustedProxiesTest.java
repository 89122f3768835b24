package org.onecexporter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.ConfigException;

class TrustedProxiesTest {
  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void the_client_is_the_right_most_untrusted_hop_and_only_behind_a_trusted_proxy() throws Exception {
    TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8, 192.168.1.5 ,::1");
    assertThat(proxies.client(ip("192.168.1.5"), "1.2.3.4, 5.6.7.8, 10.2.3.4")).isEqualTo(ip("5.6.7.8"));
    assertThat(proxies.client(ip("192.168.1.6"), "1.2.3.4")).as("not a proxy").isEqualTo(ip("192.168.1.6"));
    assertThat(proxies.client(ip("::1"), "2001:db8::1")).isEqualTo(ip("2001:db8::1"));
    assertThat(proxies.client(ip("10.0.0.1"), "10.0.0.2")).as("all trusted: the left-most").isEqualTo(ip("10.0.0.2"));
    assertThat(proxies.client(ip("10.0.0.1"), "evil.example, 10.0.0.2")).as("garbage ends the walk")
        .isEqualTo(ip("10.0.0.2"));
    assertThat(proxies.client(ip("10.0.0.1"), "999.1.1.1")).isEqualTo(ip("10.0.0.1"));
    assertThat(TrustedProxies.parse("").client(ip("10.0.0.1"), "1.2.3.4")).isEqualTo(ip("10.0.0.1"));
    assertThat(TrustedProxies.literal("localhost")).as("never a DNS lookup").isNull();
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.local")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_TRUSTED_PROXIES");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).isInstanceOf(ConfigException.class);
  }
}
