package org.onecexporter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutesTest {
  private record Request(String method, String path, String query) implements HardenedHttpServer.Exchange {
    @Override
    public String header(String name) {
      return null;
    }

    @Override
    public String remoteAddress() {
      return "127.0.0.1";
    }

    @Override
    public void respond(int status, String contentType, String body, String... headers) {}
  }

  private final List<String> handled = new ArrayList<>();
  private final Routes<String> routes = new Routes<String>()
      .get("/", (call, who) -> handled.add("root"))
      .get("/orders/{id}", (call, who) -> handled.add("order " + call.path("id") + " for " + who))
      .post("/api/dlq/{id}/requeue", (call, who) -> handled.add("requeue " + call.path("id")))
      .post("/api/dlq/requeue-all", (call, who) -> handled.add("requeue all"));

  private Routes.Match<String> match(String method, String path, String query) {
    return routes.match(new Request(method, path, query)).orElse(null);
  }

  private void run(String method, String path) throws Exception {
    if (match(method, path, null) instanceof Routes.Match.Found<String> found) {
      found.route().handle(found.call(), "operator");
    }
  }

  @Test
  void a_template_matches_whole_segments_and_hands_over_its_variables() throws Exception {
    run("GET", "/orders/77");
    run("HEAD", "/orders/78");
    run("POST", "/api/dlq/*/requeue");
    run("POST", "/api/dlq/requeue-all");
    run("GET", "/");
    assertThat(handled).containsExactly("order 77 for operator", "order 78 for operator", "requeue *",
        "requeue all", "root");
    assertThat(match("GET", "/orders/77/attempts", null)).isNull();
    assertThat(match("GET", "/orders/", null)).isNull();
    assertThat(match("GET", "/nothing", null)).isNull();
  }

  @Test
  void a_known_path_under_another_method_is_405_with_what_it_allows() {
    assertThat(match("GET", "/api/dlq/requeue-all", null))
        .isEqualTo(new Routes.Match.WrongMethod<String>("POST"));
    assertThat(match("DELETE", "/orders/1", null)).isEqualTo(new Routes.Match.WrongMethod<String>("GET, HEAD"));
  }

  @Test
  void the_query_is_decoded_as_utf8_and_the_first_of_a_repeated_name_wins() {
    Routes.Match<String> m = match("GET", "/orders/1", "q=%D0%A1%D1%87%D1%91%D1%82+1&q=2&lang=ru&bad=%zz&nul=%00");
    Routes.Call call = ((Routes.Match.Found<String>) m).call();
    assertThat(call.query("q", "")).isEqualTo("Счёт 1");
    assertThat(call.query("lang", "en")).isEqualTo("ru");
    assertThat(call.query("missing", "default")).isEqualTo("default");
    assertThat(call.query("bad", "")).as("a malformed escape stays as written").isEqualTo("%zz");
    assertThat(call.query("nul", "")).isEqualTo("\0");
  }

  @Test
  void a_route_is_declared_once() {
    assertThatThrownBy(() -> routes.get("/", (call, who) -> {})).isInstanceOf(IllegalArgumentException.class);
  }
}
