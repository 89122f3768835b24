package org.onecexporter.domain;

import java.util.Optional;
import java.util.regex.Pattern;
import org.onecexporter.logging.LogSafe;

/**
 * The shop's invoice number: {@code INV-{year}-{n}}, n zero-padded to at least three digits — or, set by the shop,
 * a {@code TEST-…} number for a copy of the base. It is the invoice's key in 1C and travels as the {@code
 * Idempotency-Key} header, so it must be what the invoices contract allows (onec-extension/contract/README.md).
 */
public final class InvoiceNumbers {
  /** The contract's limit: the 1C extension keys its idempotency register on it (String(50)). */
  public static final int MAX_LENGTH = 50;
  private static final Pattern REGULAR = Pattern.compile("INV-[0-9]{4}-[0-9]{3,41}");
  private static final Pattern TEST = Pattern.compile("TEST-[A-Z0-9-]{1,45}");

  private InvoiceNumbers() {}

  public static String format(int year, long sequence) {
    if (sequence < 1) {
      throw new IllegalArgumentException("invoice sequence starts at 1, got " + sequence);
    }
    return String.format(java.util.Locale.ROOT, "INV-%d-%03d", year, sequence);
  }

  /**
   * Why {@code number} (set by the shop before the export) cannot be sent, or empty when it can. A number outside
   * the contract is refused before the first call rather than sent: an HTTP header carries ASCII only, so
   * «СЧЁТ-№1» would go out as {@code ????-?1} — the same key as every other number of that shape — and the 1C side
   * refuses it anyway.
   */
  public static Optional<String> problem(String number) {
    if (number == null || REGULAR.matcher(number).matches() || TEST.matcher(number).matches()) {
      return Optional.empty();
    }
    long outsideAscii = number.chars().filter(c -> c < 0x21 || c > 0x7e).count();
    return Optional.of("invoice_number '" + LogSafe.text(number, 60) + "' set by the shop is not one the invoices"
        + " contract allows: INV-2026-001 (the year, then at least three digits) or TEST- and capital Latin letters,"
        + " digits and dashes, at most " + MAX_LENGTH + " characters"
        + (outsideAscii > 0 ? "; it has " + outsideAscii + " character(s) outside printable ASCII, which an HTTP"
            + " header (Idempotency-Key) cannot carry" : ""));
  }
}
