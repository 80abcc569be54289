package io.etl.core.types;

/** A json or jsonb value, kept as the text PostgreSQL printed (no parsing on our side). */
public record PgJson(String text) {}
