package org.onecexporter.domain;

/** The shop's invoice number: {@code INV-{year}-{n}}, n zero-padded to at least three digits. */
public final class InvoiceNumbers {
  private InvoiceNumbers() {}

  public static String format(int year, long sequence) {
    if (sequence < 1) {
      throw new IllegalArgumentException("invoice sequence starts at 1, got " + sequence);
    }
    return String.format(java.util.Locale.ROOT, "INV-%d-%03d", year, sequence);
  }
}
