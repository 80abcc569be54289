package io.etl.operator.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasons worded as the destinations word them (PostgresErrors, BigQueryErrors), without their rows' values. */
class RowValuesWithheldTest {
  /** As PostgresDestination reported a unique index the destination had that the source did not (captured). */
  static final String DUPLICATE_KEY = "The destination PostgreSQL server at localhost:37463 failed with SQLSTATE 23505: Batch"
      + " entry 1 INSERT INTO \"Shop\".\"Order Items\" (\"id\", \"Item Name\", \"price\", \"tags\", \"mood\") VALUES"
      + " (('2'), ('ann@example.com'), ('2.00'), (NULL), (NULL)) ON CONFLICT (\"id\") DO UPDATE SET \"Item Name\" ="
      + " EXCLUDED.\"Item Name\", \"price\" = EXCLUDED.\"price\", \"tags\" = EXCLUDED.\"tags\", \"mood\" = EXCLUDED.\"mood\""
      + " was aborted: ERROR: duplicate key value violates unique constraint \"Order Items_Item Name_idx\" Detail: Key"
      + " (\"Item Name\")=(ann@example.com) already exists. Call getNextException to see other errors in the batch.";
  /** A CHECK constraint of the destination's own (captured likewise). */
  static final String CHECK = "The destination PostgreSQL server at localhost:37463 failed with SQLSTATE 23514: Batch entry 0"
      + " INSERT INTO \"Shop\".\"Order Items\" (\"id\", \"Item Name\", \"price\", \"tags\", \"mood\") VALUES (('3'::int4),"
      + " ('bob secret'), ('123.45'::numeric), (NULL), (NULL)) ON CONFLICT (\"id\") DO UPDATE SET \"Item Name\" ="
      + " EXCLUDED.\"Item Name\", \"price\" = EXCLUDED.\"price\", \"tags\" = EXCLUDED.\"tags\", \"mood\" = EXCLUDED.\"mood\""
      + " was aborted: ERROR: new row for relation \"Order Items\" violates check constraint \"Order Items_price_check\""
      + " Detail: Failing row contains (3, bob secret, 123.45, null, null). Call getNextException to see other errors in"
      + " the batch.";
  static final String NOT_NULL = "The destination PostgreSQL server at db:5432 failed with SQLSTATE 23502: ERROR: null value"
      + " in column \"email\" of relation \"customers\" violates not-null constraint\n  Detail: Failing row contains (42,"
      + " Ann Example, null).\n  Hint: none.";
  static final String BAD_INPUT = "The destination PostgreSQL server at db:5432 failed with SQLSTATE 22P02: invalid input"
      + " syntax for type integer: \"ann@example.com\".";
  static final String BIGQUERY = "BigQuery rejected 7 row(s) while appending rows to shop_customers (request 1 of 2) and"
      + " wrote none of the request (row 0: Field email: 'ann@example.com' is not a valid NUMERIC; row 3: Invalid value"
      + " 'secret-42'; and 2 more).";

  @Test
  void postgresDetailAndTheBatchStatementGoTheConstraintStays() {
    assertEquals("The destination PostgreSQL server at localhost:37463 failed with SQLSTATE 23505: Batch entry 1 (statement"
        + " withheld) was aborted: ERROR: duplicate key value violates unique constraint \"Order Items_Item Name_idx\" Call"
        + " getNextException to see other errors in the batch." + RowValuesWithheld.NOTE, RowValuesWithheld.from(DUPLICATE_KEY));
    String check = RowValuesWithheld.from(CHECK);
    for (String value : List.of("bob secret", "123.45", "'3'")) {
      assertFalse(check.contains(value), value + " in " + check);
    }
    assertTrue(check.contains("SQLSTATE 23514") && check.contains("violates check constraint \"Order Items_price_check\""), check);
  }

  @Test
  void aFailingRowDetailLineGoesTheHintStays() {
    String out = RowValuesWithheld.from(NOT_NULL);
    assertFalse(out.contains("Ann Example"), out);
    assertFalse(out.contains("Failing row"), out);
    assertTrue(out.contains("violates not-null constraint\n  Hint: none."), out);
  }

  @Test
  void aQuotedInputValueGoesItsTypeStays() {
    assertEquals("The destination PostgreSQL server at db:5432 failed with SQLSTATE 22P02: invalid input syntax for type"
        + " integer: (value withheld)." + RowValuesWithheld.NOTE, RowValuesWithheld.from(BAD_INPUT));
    assertEquals("value (withheld) is out of range for type integer" + RowValuesWithheld.NOTE,
        RowValuesWithheld.from("value \"99999999999\" is out of range for type integer"));
  }

  @Test
  void bigQueryRowErrorsGoTheirRowNumbersStay() {
    assertEquals("BigQuery rejected 7 row(s) while appending rows to shop_customers (request 1 of 2) and wrote none of the"
        + " request (rows 0, 3 and 2 more; their errors withheld)." + RowValuesWithheld.NOTE, RowValuesWithheld.from(BIGQUERY));
  }

  @Test
  void aReasonWithoutRowValuesIsUnchanged() {
    String reason = "The destination PostgreSQL server at db:5432 denied user 'etl' a privilege: permission denied for"
        + " table customers.";
    assertEquals(reason, RowValuesWithheld.from(reason));
    assertNull(RowValuesWithheld.from(null));
  }
}
