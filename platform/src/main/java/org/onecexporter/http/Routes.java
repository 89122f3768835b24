package org.onecexporter.http;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * A route table for {@link HardenedHttpServer}: method + URI template ({@code /api/orders/{id}/export}, Jetty's
 * {@link UriTemplatePathSpec}) to a handler, matched by Jetty's {@link PathMappings}. A path known under other
 * methods matches as {@link Match.WrongMethod} (405 with its {@code Allow}); a GET route answers HEAD too.
 *
 * @param <C> what the server hands every route besides the request (the console: who is asking)
 */
public final class Routes<C> {
  /** Handles one matched request. */
  @FunctionalInterface
  public interface Route<C> {
    void handle(Call call, C context) throws Exception;
  }

  /** A matched request: the exchange, the template's variables and the query's parameters (decoded, first wins). */
  public record Call(HardenedHttpServer.Exchange exchange, Map<String, String> pathParams,
      Map<String, String> query) {
    public String path(String name) {
      return pathParams.get(name);
    }

    public String query(String name, String otherwise) {
      return query.getOrDefault(name, otherwise);
    }

    public Optional<String> query(String name) {
      return Optional.ofNullable(query.get(name));
    }
  }

  /** What a request matched: its route, or only the methods its path is known under (405). */
  public sealed interface Match<C> {
    record Found<C>(Route<C> route, Call call) implements Match<C> {}

    record WrongMethod<C>(String allow) implements Match<C> {}
  }

  private final PathMappings<Map<String, Route<C>>> mappings = new PathMappings<>();

  public Routes<C> get(String template, Route<C> route) {
    return on("GET", template, route);
  }

  public Routes<C> post(String template, Route<C> route) {
    return on("POST", template, route);
  }

  public Routes<C> on(String method, String template, Route<C> route) {
    UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
    Map<String, Route<C>> byMethod = mappings.get(spec);
    if (byMethod == null) {
      byMethod = new LinkedHashMap<>();
      mappings.put(spec, byMethod);
    }
    if (byMethod.putIfAbsent(method, route) != null) {
      throw new IllegalArgumentException(method + " " + template + " is routed twice");
    }
    return this;
  }

  /** The route for this request, the methods its path allows, or empty when no route has its path. */
  public Optional<Match<C>> match(HardenedHttpServer.Exchange exchange) {
    String path = exchange.path();
    MatchedResource<Map<String, Route<C>>> matched = mappings.getMatched(path);
    if (matched == null) {
      return Optional.empty();
    }
    Map<String, Route<C>> byMethod = matched.getResource();
    String method = exchange.method().equals("HEAD") ? "GET" : exchange.method();
    Route<C> route = byMethod.get(method);
    if (route == null) {
      TreeSet<String> allow = new TreeSet<>(byMethod.keySet());
      if (allow.contains("GET")) {
        allow.add("HEAD");
      }
      return Optional.of(new Match.WrongMethod<>(String.join(", ", allow)));
    }
    Map<String, String> params = ((UriTemplatePathSpec) matched.getPathSpec()).getPathParams(path);
    return Optional.of(new Match.Found<>(route, new Call(exchange,
        params == null ? Map.of() : Collections.unmodifiableMap(params), query(exchange.query()))));
  }

  /**
   * A query string's parameters, decoded as UTF-8 by Jetty's {@link UrlEncoded} (leniently: a malformed escape stays
   * as written, a malformed UTF-8 sequence becomes U+FFFD); the first of a repeated name wins.
   */
  public static Map<String, String> query(String raw) {
    Map<String, String> result = new HashMap<>();
    if (raw != null && !raw.isEmpty()) {
      UrlEncoded.decodeUtf8To(raw, 0, raw.length(), result::putIfAbsent, true, true, true);
    }
    return Collections.unmodifiableMap(result);
  }
}
