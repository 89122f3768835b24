package org.onecexporter.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.HttpAnswer;
import org.onecexporter.onec.ResponseClassifier;

/**
 * Long and hostile texts, as a broken or malicious 1C (or a proxy in front of it) may answer: masking and
 * classifying each takes linear time, so one answer cannot hold a worker's thread. The bound is generous for a
 * shared CI machine; the quadratic patterns this guards against took minutes on the shortest of these inputs.
 */
class HostileTextTest {
  private static final int MB = 1 << 20;
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final List<String> KNOWN = List.of("Иван Иванов", "+79991234567", "Москва, ул. Ленина, 1");

  static Stream<Arguments> hostile() {
    Random random = new Random(20);
    StringBuilder mixed = new StringBuilder(MB);
    String alphabet = "Aa1@.-_+ ()ИванЁё%\n\"{}[]:,\u202e";
    while (mixed.length() < MB) {
      mixed.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return Stream.of(
        Arguments.of("the reported answer", "{\"errors\":[\"" + "A".repeat(200_000) + "\"]}"),
        Arguments.of("1 MB of letters", "A".repeat(MB)),
        Arguments.of("1 MB of Cyrillic", "ж".repeat(MB)),
        Arguments.of("1 MB of digits", "7".repeat(MB)),
        Arguments.of("digits and spaces", "1 ".repeat(MB / 2)),
        Arguments.of("digits and long gaps", ("1" + " ".repeat(999)).repeat(MB / 1000)),
        Arguments.of("phone separators", "+1(".repeat(MB / 3)),
        Arguments.of("@ repeated", "@".repeat(MB)),
        Arguments.of("a@ repeated", "a@".repeat(MB / 2)),
        Arguments.of("a local part without an @", "a.".repeat(MB / 2) + "@"),
        Arguments.of("a domain without a dot", "a@" + "b".repeat(MB)),
        Arguments.of("dotted domains", "a@" + "b.".repeat(MB / 2)),
        Arguments.of("the known name repeated", "Иванов".repeat(MB / 6)),
        Arguments.of("the known phone's digits", "79991234567".repeat(MB / 11)),
        Arguments.of("nested arrays", "[".repeat(MB / 2) + "]".repeat(MB / 2)),
        Arguments.of("nested objects", "{\"a\":".repeat(MB / 5) + "1" + "}".repeat(MB / 5)),
        Arguments.of("a JSON number of 1 MB", "{\"n\":" + "9".repeat(MB) + "}"),
        Arguments.of("a JSON string of 1 MB with a phone key", "{\"phone\":\"" + "8".repeat(MB) + "\"}"),
        Arguments.of("invalid UTF-8", new String(invalidUtf8(), StandardCharsets.UTF_8)),
        Arguments.of("lone surrogates", "\ud800".repeat(MB)),
        Arguments.of("whitespace", " \t\n".repeat(MB / 3)),
        Arguments.of("random hostile characters", mixed.toString()));
  }

  private static byte[] invalidUtf8() {
    byte[] bytes = new byte[MB];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 3 == 0 ? 0xC3 : i % 3 == 1 ? 0xFF : 0x80);
    }
    return bytes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void masking_foreign_text_is_bounded_in_time_and_size(String what, String text) {
    PiiMasker masker = new PiiMasker(true);
    String masked = assertTimeoutPreemptively(BOUND, () -> masker.foreign(text, KNOWN, 600));
    assertThat(masked.length()).isLessThanOrEqualTo(601);
    String body = assertTimeoutPreemptively(BOUND, () -> masker.body(text));
    assertThat(body.length()).isLessThanOrEqualTo(4001);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void classifying_a_hostile_answer_is_bounded_for_every_kind_of_status(String what, String text) {
    for (int status : new int[] {200, 201, 400, 403, 409, 500, 503}) {
      CallOutcome outcome = assertTimeoutPreemptively(BOUND,
          () -> ResponseClassifier.classify(new HttpAnswer(status, "application/json", text, java.util.Optional.empty())));
      String reason = switch (outcome) {
        case CallOutcome.Transient t -> t.reason();
        case CallOutcome.Permanent p -> p.reason();
        case CallOutcome.NotConfigured n -> n.reason();
        default -> "";
      };
      assertThat(reason.length()).as("reason of %d", status).isLessThan(1000);
    }
  }
}
