package io.etl.core.types;

/** The Java shape a PostgreSQL type's text form decodes to; see {@link ValueDecoder}. */
public enum ValueKind {
  /** {@link Short}. */
  INT2,
  /** {@link Integer}. */
  INT4,
  /** {@link Long}. */
  INT8,
  /** {@link java.math.BigDecimal} or {@link PgSpecial}. */
  NUMERIC,
  /** {@link Float} (NaN and infinities included). */
  FLOAT4,
  /** {@link Double} (NaN and infinities included). */
  FLOAT8,
  /** {@link Boolean}. */
  BOOL,
  /** {@link String}: text, varchar, bpchar, name, "char" and enum labels. */
  TEXT,
  /** {@code byte[]}. */
  BYTEA,
  /** {@link java.time.LocalDate} or {@link PgSpecial} for ±infinity. */
  DATE,
  /** {@link java.time.LocalTime}. */
  TIME,
  /** {@link java.time.OffsetTime}. */
  TIMETZ,
  /** {@link java.time.LocalDateTime} or {@link PgSpecial} for ±infinity. */
  TIMESTAMP,
  /** {@link java.time.OffsetDateTime} or {@link PgSpecial} for ±infinity. */
  TIMESTAMPTZ,
  /** {@link PgInterval} or {@link PgSpecial} for ±infinity (PostgreSQL 17+). */
  INTERVAL,
  /** {@link java.util.UUID}. */
  UUID,
  /** {@link PgJson} (json and jsonb). */
  JSON,
  /** {@link java.util.List} of the element type's values (nested lists for more dimensions). */
  ARRAY,
  /** Not decoded: the text form itself. */
  UNKNOWN
}
