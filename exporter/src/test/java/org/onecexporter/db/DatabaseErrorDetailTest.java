package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * A failing write's exception text reaches logs, job records, DLQ entries and the attempt history: PostgreSQL's
 * "Failing row contains (...)" detail would carry the order's row, the customer's name and phone with it. On
 * both databases ({@link DatabaseErrorDetailOnMariaDbTest}).
 */
@ExtendWith(DatabaseExtension.class)
class DatabaseErrorDetailTest {
  private final TestDatabase db;

  DatabaseErrorDetailTest(TestDatabase db) {
    this.db = db;
  }

  @Test
  void a_constraint_violation_names_the_constraint_but_not_the_row() {
    db.jdbi().useHandle(h -> h.execute(
        "CREATE TABLE IF NOT EXISTS detail_probe (name text NOT NULL, phone text,"
            + " CONSTRAINT detail_probe_phone_check CHECK (length(phone) < 3))"));

    assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute(
        "INSERT INTO detail_probe (name, phone) VALUES ('Иван Иванов', '+79991234567')")))
        .hasMessageContaining("detail_probe_phone_check")
        .hasMessageNotContaining("Иван")
        .hasMessageNotContaining("79991234567");
  }
}
