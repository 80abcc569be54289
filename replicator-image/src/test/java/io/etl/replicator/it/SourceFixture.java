package io.etl.replicator.it;

import io.etl.core.testing.PostgresServer;
import java.util.List;

/**
 * The five published tables the end-to-end tests replicate: a large one, one with every decoded
 * type (edge values and NULLs), one with a quoted mixed-case name and spaced column names, a
 * plain one, and one without a primary key (REPLICA IDENTITY FULL).
 */
final class SourceFixture {
  static final String PUBLICATION = "etl_pub";
  static final List<String> TABLES =
      List.of("public.big", "public.all_types", "\"Sales\".\"Order Items\"", "public.customers", "public.audit_log");

  private SourceFixture() {}

  static void create(PostgresServer source, int bigRows) {
    source.executeIn("postgres",
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
        "CREATE TABLE big (id bigint PRIMARY KEY, label text NOT NULL, n integer, at timestamptz)",
        "INSERT INTO big SELECT g, 'row ' || g, g % 1000, '2024-01-01'::timestamptz + g * interval '1 second'"
            + " FROM generate_series(1, " + bigRows + ") g",
        "CREATE TABLE all_types ("
            + " id integer PRIMARY KEY, c_int2 smallint, c_int4 integer, c_int8 bigint, c_numeric numeric,"
            + " c_numeric_p numeric(12,3), c_real real, c_double double precision, c_bool boolean, c_text text,"
            + " c_varchar varchar(20), c_char char(5), c_bytea bytea, c_date date, c_time time, c_timetz timetz,"
            + " c_timestamp timestamp, c_timestamptz timestamptz, c_interval interval, c_uuid uuid, c_json json,"
            + " c_jsonb jsonb, c_mood mood, c_positive positive_int, c_inet inet, c_int4_arr integer[],"
            + " c_text_arr text[], c_numeric_arr numeric[], c_mood_arr mood[], c_ts_arr timestamptz[],"
            + " c_bool_arr boolean[], c_uuid_arr uuid[])",
        "INSERT INTO all_types VALUES"
            + " (1, 32767, 2147483647, 9223372036854775807, 'NaN', 123456789.123, 'NaN', 'Infinity', true,"
            + "  E'tab\\there\\nnewline \\\\ backslash \"quote\" ''single''', 'varchar', 'ab', '\\x00ff10',"
            + "  'infinity', '24:00:00', '23:59:59.999999+14', 'infinity', '-infinity', '-178000000 years',"
            + "  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2, null]}', '{\"k\": \"v\", \"n\": 1.5}', 'happy', 7,"
            + "  '192.168.0.1/24', '{1,NULL,3}', '{\"a,b\",\"\",NULL,\"x\\\"y\"}', '{NaN,1.5,-2}', '{sad,happy}',"
            + "  '{\"2024-01-01 00:00:00+00\",infinity}', '{t,f,NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'),"
            + " (2, -32768, -2147483648, -9223372036854775808, '-0.000000000000000001', -0.5, '-Infinity', '-Infinity',"
            + "  false, '', '', '', '', '-infinity', '00:00:00', '00:00:00-12', '-infinity', 'infinity',"
            + "  '1 year 2 mons -3 days 04:05:06.789', '00000000-0000-0000-0000-000000000000', 'null', '[]', 'sad', 1,"
            + "  '::1', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),"
            + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
            + " (4, 0, 0, 0, '1e-30', 0, 1.17549435e-38, 2.2250738585072014e-308, true, 'ünïcødé ✓ 日本', 'x', 'x', '\\x',"
            + "  '0044-03-15 BC', '12:34:56.5', '12:34:56+05:30', '1999-12-31 23:59:59.5', '1970-01-01 00:00:00+00',"
            + "  '-00:00:01', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\"text\"', '{\"deep\": {\"x\": [true]}}', 'ok',"
            + "  2147483647, '10.0.0.1', '{-1}', '{NULL}', '{1e10}', '{ok}', '{NULL}', '{t}', '{}')",
        "CREATE SCHEMA \"Sales\"",
        "CREATE TABLE \"Sales\".\"Order Items\" (\"Item Id\" integer PRIMARY KEY, \"Unit Price\" numeric(10,2) NOT NULL,"
            + " \"Note Text\" text, \"MixedCase\" boolean)",
        "INSERT INTO \"Sales\".\"Order Items\" SELECT g, g * 1.25, 'note ' || g, g % 2 = 0 FROM generate_series(1, 5000) g",
        "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, balance numeric(14,2))",
        "INSERT INTO customers (name, email, balance) SELECT 'customer ' || g, 'c' || g || '@example.com', g * 3.5"
            + " FROM generate_series(1, 20000) g",
        "CREATE TABLE audit_log (actor text, action text, at timestamptz)",
        "ALTER TABLE audit_log REPLICA IDENTITY FULL",
        "INSERT INTO audit_log SELECT 'user' || (g % 50), 'login', '2024-01-01'::timestamptz + g * interval '1 minute'"
            + " FROM generate_series(1, 3000) g",
        "INSERT INTO audit_log SELECT 'dup', 'same', '2024-01-01 00:00:00+00' FROM generate_series(1, 5)",
        "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE big, all_types, \"Sales\".\"Order Items\", customers, audit_log");
  }
}
