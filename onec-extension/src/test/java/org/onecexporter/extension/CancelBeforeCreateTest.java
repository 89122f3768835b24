package org.onecexporter.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A create whose client gave up at its timeout may still be running in 1C when the refund's cancellation arrives.
 * The two methods must meet under the same lock, the number's: a cancellation says "not_found" only under it, after
 * recording the number as cancelled, and a create reads that record under it before making anything. Otherwise
 * 1C answers "not_found", the exporter records "nothing to cancel", and the create then makes an unmarked invoice
 * for refunded money. The emulator's tests run the same race over HTTP (EmulatorServerTest).
 */
class CancelBeforeCreateTest {
  private static String body(String module, String function) {
    Matcher m = Pattern.compile("(?ms)^Функция " + function + "\\(.*?^КонецФункции").matcher(module);
    assertThat(m.find()).as("function %s in the module", function).isTrue();
    return m.group();
  }

  @Test
  void the_cancellation_answers_not_found_only_under_the_numbers_lock_after_recording_it() throws Exception {
    String cancel = body(Dump.read(Dump.COMMON_MODULE), "ОтменитьСчетОдинРаз");
    int lock = cancel.indexOf("ЗаблокироватьКлюч(НомерСчета)");
    assertThat(lock).as("the cancellation takes the number's lock").isPositive();
    assertThat(cancel.indexOf("ОтветНетСчета()")).as("no \"not_found\" before the lock").isGreaterThan(lock);
    int recorded = cancel.indexOf("ЗаписатьОтменуБезСчета(НомерСчета");
    assertThat(recorded).as("the number is recorded as cancelled under the lock").isGreaterThan(lock)
        .isLessThan(cancel.indexOf("ОтветНетСчета()"));
  }

  @Test
  void the_create_reads_that_record_under_the_same_lock_before_making_anything() throws Exception {
    String create = body(Dump.read(Dump.COMMON_MODULE), "СоздатьСчетОдинРаз");
    int lock = create.indexOf("ЗаблокироватьКлюч(НомерСчета)");
    int checked = create.indexOf("ОтмененДоСоздания(НомерСчета)");
    assertThat(lock).isPositive();
    assertThat(checked).as("checked under the lock").isGreaterThan(lock)
        .as("before the invoice is made").isLessThan(create.indexOf("СоздатьСчет(Данные"));
    String check = body(Dump.read(Dump.COMMON_MODULE), "ОтмененДоСоздания");
    assertThat(check).contains("Выбран()", "Отменен", "ИдентификаторДокумента");
  }
}
