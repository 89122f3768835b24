package org.onecexporter.domain;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;

/** Normalises phones as shops store them ({@code 8 (999) 123-45-67}) to E.164 ({@code +79991234567}). */
public final class PhoneNumbers {
  public static final String DEFAULT_REGION = "RU";
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {}

  /** E.164 form, or empty when the text is not a possible phone number. */
  public static Optional<String> toE164(String raw) {
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(raw.trim(), DEFAULT_REGION);
      if (!UTIL.isPossibleNumber(number)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }
}
