package io.etl.core.types;

import io.etl.core.event.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns a column value's PostgreSQL text form (as carried by {@link Row}) into a typed Java
 * value; see {@link ValueKind} for the mapping. It never fails: text it cannot decode (an
 * unknown type, or a form it does not parse) comes back unchanged, so a destination can always
 * fall back to writing the text. Stateless apart from its registry, so safe to share.
 */
public final class ValueDecoder {
  private final TypeRegistry registry;

  public ValueDecoder(TypeRegistry registry) {
    this.registry = registry;
  }

  /** A decoder for built-in types only. */
  public ValueDecoder() {
    this(TypeRegistry.builtins());
  }

  public TypeRegistry registry() {
    return registry;
  }

  /**
   * @return null for SQL NULL; {@link Row#UNCHANGED_TOAST} itself for that sentinel (so callers
   *     can still tell it apart); otherwise the typed value, or {@code text} when not decodable
   */
  public Object decode(int typeOid, String text) {
    if (text == null || text == Row.UNCHANGED_TOAST) {
      return text;
    }
    try {
      return decodeOrThrow(typeOid, text);
    } catch (RuntimeException notDecodable) {
      // The contract is "never fail": unparseable text is still a faithful value.
      return text;
    }
  }

  private Object decodeOrThrow(int typeOid, String text) {
    return switch (registry.kindOf(typeOid)) {
      case INT2 -> Short.valueOf(text);
      case INT4 -> Integer.valueOf(text);
      case INT8 -> Long.valueOf(text);
      case NUMERIC -> numeric(text);
      case FLOAT4 -> Float.valueOf(text);
      case FLOAT8 -> Double.valueOf(text);
      case BOOL -> bool(text);
      case TEXT, UNKNOWN -> text;
      case BYTEA -> ByteaParser.parse(text);
      case DATE -> DateTimeParser.date(text);
      case TIME -> DateTimeParser.time(text);
      case TIMETZ -> DateTimeParser.timeTz(text);
      case TIMESTAMP -> DateTimeParser.timestamp(text);
      case TIMESTAMPTZ -> DateTimeParser.timestampTz(text);
      case INTERVAL -> interval(text);
      case UUID -> java.util.UUID.fromString(text);
      case JSON -> new PgJson(text);
      case ARRAY -> array(typeOid, text);
    };
  }

  private static Object numeric(String text) {
    return switch (text) {
      case "NaN" -> PgSpecial.NAN;
      case "Infinity" -> PgSpecial.POSITIVE_INFINITY;
      case "-Infinity" -> PgSpecial.NEGATIVE_INFINITY;
      default -> new BigDecimal(text);
    };
  }

  private static Boolean bool(String text) {
    return switch (text) {
      case "t", "true" -> Boolean.TRUE;
      case "f", "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("not a boolean: " + text);
    };
  }

  private static Object interval(String text) {
    return switch (text) {
      case "infinity" -> PgSpecial.POSITIVE_INFINITY;
      case "-infinity" -> PgSpecial.NEGATIVE_INFINITY;
      default -> IntervalParser.parse(text);
    };
  }

  private List<Object> array(int arrayOid, String text) {
    int elementOid = registry.elementTypeOf(arrayOid);
    return decodeElements(elementOid, ArrayParser.parse(text, registry.arrayDelimiterOf(arrayOid)));
  }

  private List<Object> decodeElements(int elementOid, List<Object> elements) {
    List<Object> values = new ArrayList<>(elements.size());
    for (Object element : elements) {
      if (element instanceof List<?> inner) {
        @SuppressWarnings("unchecked")
        List<Object> dimension = (List<Object>) inner;
        values.add(decodeElements(elementOid, dimension));
      } else {
        values.add(element == null ? null : decodeOrThrow(elementOid, (String) element));
      }
    }
    return Collections.unmodifiableList(values);
  }
}
