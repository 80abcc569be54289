"""bqemulator (PyPI, pinned in requirements.txt), started the way etl's BigQuery tests need it.

bqemulator 1.4.0 serves the BigQuery API (REST) and the Storage Write API (gRPC) over DuckDB. It
lacks some BigQuery behaviour the etl destination relies on; this file adds the part a test can
rely on and nothing else. Each patch below says what BigQuery does, what bqemulator does, and
what the patch changes. What is NOT emulated, so the tests leave it to the real service:

* CDC: BigQuery applies Storage Write API records carrying ``_CHANGE_TYPE`` (UPSERT or DELETE)
  to the row with the same primary key, keeping the record with the highest
  ``_CHANGE_SEQUENCE_NUMBER``. bqemulator appends every record as a new row and drops both
  pseudo-columns. So does this emulator: a DELETE record lands as a row holding only the key.
* ``max_staleness``: accepted and checked for form, then ignored (queries see every row at once).

Usage: python etl_bigquery_emulator.py --rest-port N --grpc-port M --extension-dir DIR [--project P]
Offline: DuckDB's spatial extension (which bqemulator loads at start) is read from
``--extension-dir`` (laid out by scripts/provision-bigquery-emulator.sh), never downloaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import decimal
import os
import re
import sys
import threading
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

# BigQuery's documented label rules: keys start with a lowercase letter; keys and values hold
# lowercase letters, digits, underscores and dashes, at most 63 characters.
_LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
_LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}")
# _CHANGE_SEQUENCE_NUMBER: up to four sections of up to 16 hex digits, separated by '/'.
_SEQUENCE_NUMBER = re.compile(r"[0-9A-Fa-f]{1,16}(/[0-9A-Fa-f]{1,16}){0,3}")
_CHANGE_TYPES = {"UPSERT", "DELETE"}
_PSEUDO_COLUMNS = {"_CHANGE_TYPE", "_CHANGE_SEQUENCE_NUMBER"}
# The legacy names BigQuery's REST API reports column types by.
_WIRE_NAMES = {"INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN"}


@dataclasses.dataclass
class _Constraints:
    """What a CREATE TABLE declared that bqemulator's catalog does not keep."""

    created: datetime.datetime
    primary_key: list[str]
    max_staleness: str | None


# (project, dataset, table) -> constraints of the table created at that time; a table dropped and
# created again has another creation time, so stale entries never apply.
_CONSTRAINTS: dict[tuple[str, str, str], _Constraints] = {}


def _parts(table: exp.Table, project_id: str) -> tuple[str, str, str]:
    return (table.catalog or project_id, table.db, table.name)


def _refuse(message: str) -> Exception:
    from bqemulator.domain.errors import InvalidQueryError

    return InvalidQueryError(message)


def _field(name: str, kind: exp.DataType) -> Any:
    """The catalog field BigQuery would report for a column declared as ``kind``."""
    from bqemulator.catalog.models import TableFieldSchema

    repeated = kind.is_type(exp.DataType.Type.ARRAY)
    scalar = kind.expressions[0] if repeated else kind
    type_name = scalar.sql("bigquery").upper()
    return TableFieldSchema(name=name, type=_WIRE_NAMES.get(type_name, type_name),
                            mode="REPEATED" if repeated else "NULLABLE")


def _store_bignumeric_as_text(node: exp.Expression) -> None:
    """DuckDB's DECIMAL stops at 38 digits, BigQuery's BIGNUMERIC holds 76: keep it as exact text."""
    for data_type in node.find_all(exp.DataType):
        if data_type.is_type(exp.DataType.Type.BIGDECIMAL):
            data_type.replace(exp.DataType.build("STRING", dialect="bigquery"))


@dataclasses.dataclass
class _CreatePlan:
    sql: str
    target: tuple[str, str, str]
    if_not_exists: bool
    fields: list[Any]
    labels: dict[str, str]
    primary_key: list[str]
    max_staleness: str | None


def _plan_create(tree: exp.Create, project_id: str) -> _CreatePlan:
    """CREATE TABLE with a column list: what bqemulator cannot parse is taken out and kept aside.

    BigQuery: ``PRIMARY KEY (...) NOT ENFORCED`` is recorded (tables.get reports it as
    tableConstraints) and makes the table take CDC records; ``OPTIONS (labels = [...])`` become
    the table's labels; ``max_staleness`` is kept. bqemulator: DuckDB refuses NOT ENFORCED, and
    labels are parsed but not kept. Column types are reported as declared (bqemulator reports
    them as DuckDB sees them: BIGNUMERIC as NUMERIC, JSON and INTERVAL as STRING).
    """
    schema = tree.this
    columns = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
    names = {c.name for c in columns}
    primary_key: list[str] = []
    for constraint in [c for c in schema.expressions if isinstance(c, exp.PrimaryKey)]:
        if "NOT ENFORCED" not in constraint.sql("bigquery").upper():
            raise _refuse("Primary key constraints must be NOT ENFORCED")
        primary_key = [i.name for i in constraint.expressions]
        missing = [k for k in primary_key if k not in names]
        if missing:
            raise _refuse(f"Primary key column {missing[0]} is not a column of the table")
        constraint.pop()
    labels: dict[str, str] = {}
    max_staleness: str | None = None
    properties = tree.args.get("properties")
    for prop in list(properties.expressions if properties else []):
        key = prop.this.name.lower() if isinstance(prop, exp.Property) and prop.this else ""
        value = prop.args.get("value") if key else None
        if key == "max_staleness":
            if not isinstance(value, exp.Interval):
                raise _refuse("max_staleness must be an INTERVAL literal")
            if not primary_key:
                raise _refuse("max_staleness needs a table with a primary key")
            max_staleness = value.this.name
            prop.pop()
        elif key == "labels":
            for pair in value.expressions:
                k, v = (e.name for e in pair.expressions)
                if not _LABEL_KEY.fullmatch(k) or not _LABEL_VALUE.fullmatch(v):
                    raise _refuse(f"Invalid label {k!r}: {v!r}")
                labels[k] = v
            prop.pop()
    if properties is not None and not properties.expressions:
        tree.set("properties", None)
    fields = [_field(c.name, c.args["kind"]) for c in columns]
    _store_bignumeric_as_text(tree)
    return _CreatePlan(tree.sql("bigquery"), _parts(schema.this, project_id), bool(tree.args.get("exists")),
                       fields, labels, primary_key, max_staleness)


def _altered_fields(tree: exp.Alter, fields: list[Any]) -> list[Any]:
    """The columns after an ALTER TABLE, as BigQuery reports them (bqemulator leaves its catalog as it was)."""
    fields = list(fields)
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            fields.append(_field(action.name, action.args["kind"]))
        elif isinstance(action, exp.Drop):
            fields = [f for f in fields if f.name != action.this.name]
        elif isinstance(action, exp.RenameColumn):
            fields = [f.model_copy(update={"name": action.args["to"].name}) if f.name == action.this.name else f
                      for f in fields]
        elif isinstance(action, exp.AlterColumn) and action.args.get("dtype") is not None:
            fresh = _field(action.name, action.args["dtype"])
            fields = [f.model_copy(update={"type": fresh.type}) if f.name == action.name else f for f in fields]
    return fields


def _canonical_bignumeric_sql(ctx: Any, target: tuple[str, str, str], column: str) -> None:
    """A column just turned BIGNUMERIC holds DuckDB's text of the old value (1.500000000): make it BigQuery's (1.5)."""
    from bqemulator.storage.sql_identifiers import quoted_table_ref

    quoted = '"' + column.replace('"', '""') + '"'
    ctx.engine.execute(
        f"UPDATE {quoted_table_ref(*target)} SET {quoted} = regexp_replace(regexp_replace({quoted},"
        f" '(\\.[0-9]*?)0+$', '\\1'), '\\.$', '') WHERE {quoted} LIKE '%.%'")


def _patch_queries() -> None:
    from bqemulator.api.routes import jobs as job_routes
    from bqemulator.jobs import executor

    original = executor.execute_query_job

    async def execute_query_job(project_id: str, job_id: str, bq_sql: str, query_params: Any = None,
                                ctx: Any = None, **kwargs: Any) -> Any:
        try:
            tree = sqlglot.parse_one(bq_sql, read="bigquery")
        except sqlglot.errors.SqlglotError:
            tree = None
        if isinstance(tree, exp.Create) and tree.kind == "TABLE" and isinstance(tree.this, exp.Schema):
            plan = _plan_create(tree, project_id)
            existing = ctx.catalog.get_table(*plan.target)
            job = await original(project_id, job_id, plan.sql, query_params, ctx, **kwargs)
            if existing is not None and plan.if_not_exists:
                # BigQuery leaves an existing table alone; bqemulator registers it anew (another
                # creation time, the columns as DuckDB sees them, no labels): put it back
                ctx.catalog.update_table(existing)
            else:
                meta = ctx.catalog.get_table(*plan.target)
                from bqemulator.catalog.models import TableSchema

                meta = ctx.catalog.update_table(meta.model_copy(
                    update={"schema_": TableSchema(fields=tuple(plan.fields)), "labels": plan.labels}))
                _CONSTRAINTS[plan.target] = _Constraints(meta.creation_time, plan.primary_key, plan.max_staleness)
            return job
        if isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
            target = _parts(tree.this, project_id)
            declared = tree.copy()
            to_text = [a.name for a in tree.args.get("actions") or []
                       if isinstance(a, exp.AlterColumn) and a.args.get("dtype") is not None
                       and a.args["dtype"].is_type(exp.DataType.Type.BIGDECIMAL)]
            for action in tree.args.get("actions") or []:
                if isinstance(action, exp.ColumnDef):
                    _store_bignumeric_as_text(action)
                elif isinstance(action, exp.AlterColumn) and action.args.get("dtype") is not None:
                    _store_bignumeric_as_text(action)
            before = ctx.catalog.get_table(*target)
            job = await original(project_id, job_id, tree.sql("bigquery"), query_params, ctx, **kwargs)
            if before is not None:
                from bqemulator.catalog.models import TableSchema

                fields = _altered_fields(declared, list(before.schema_.fields))
                ctx.catalog.update_table(before.model_copy(update={"schema_": TableSchema(fields=tuple(fields))}))
                constraints = _CONSTRAINTS.get(target)
                if constraints is not None:
                    for action in tree.args.get("actions") or []:
                        if isinstance(action, exp.RenameColumn):
                            constraints.primary_key = [action.args["to"].name if k == action.this.name else k
                                                       for k in constraints.primary_key]
                for column in to_text:
                    _canonical_bignumeric_sql(ctx, target, column)
            return job
        return await original(project_id, job_id, bq_sql, query_params, ctx, **kwargs)

    executor.execute_query_job = execute_query_job
    job_routes.execute_query_job = execute_query_job


def _patch_table_resource() -> None:
    """tables.get reports the primary key (tableConstraints) and max_staleness, as BigQuery does."""
    from bqemulator.api.routes import tables

    original = tables._table_to_rest

    def table_to_rest(meta: Any) -> dict[str, Any]:
        body = original(meta)
        constraints = _CONSTRAINTS.get((meta.project_id, meta.dataset_id, meta.table_id))
        if constraints is not None and constraints.created == meta.creation_time:
            if constraints.primary_key:
                body["tableConstraints"] = {"primaryKey": {"columns": list(constraints.primary_key)}}
            if constraints.max_staleness is not None:
                body["maxStaleness"] = constraints.max_staleness
        return body

    tables._table_to_rest = table_to_rest


# Exact for BIGNUMERIC's 77 digits: the default context (28 digits) would round them.
_EXACT = decimal.Context(prec=100)


def _decimal(value: Any, scale: int) -> decimal.Decimal:
    """NUMERIC and BIGNUMERIC in a proto row: BYTES, the little-endian two's-complement integer of
    value * 10^scale (what the client library's BigDecimalByteStringEncoder writes), or a STRING."""
    if isinstance(value, (bytes, bytearray)):
        return decimal.Decimal(int.from_bytes(value, "little", signed=True)).scaleb(-scale, _EXACT)
    return decimal.Decimal(str(value))


def _bignumeric_text(value: decimal.Decimal) -> str:
    """BigQuery's text of a BIGNUMERIC: no exponent, no trailing zeros."""
    return format(value.normalize(_EXACT), "f") if value != 0 else "0"


def _time(packed: int) -> datetime.time:
    """TIME as INT64: CivilTimeEncoder's packed form, hour(5) minute(6) second(6) then micros(20)."""
    seconds = packed >> 20
    return datetime.time((seconds >> 12) & 0x1F, (seconds >> 6) & 0x3F, seconds & 0x3F, packed & 0xFFFFF)


def _datetime(packed: int) -> datetime.datetime:
    """DATETIME as INT64: year(14) month(4) day(5) hour(5) minute(6) second(6) then micros(20)."""
    s = packed >> 20
    return datetime.datetime((s >> 26) & 0x3FFF, (s >> 22) & 0xF, (s >> 17) & 0x1F, (s >> 12) & 0x1F,
                             (s >> 6) & 0x3F, s & 0x3F, packed & 0xFFFFF)


def _documented(value: Any, bq_type: str | None) -> Any:
    """One proto value in the form bqemulator's coercion takes, decoded the way BigQuery documents
    ("Supported protocol buffer data types"); bqemulator reads NUMERIC bytes and packed TIME and
    DATETIME as if they were text or plain microseconds."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_documented(v, bq_type) for v in value]
    if bq_type == "NUMERIC":
        return _decimal(value, 9)
    if bq_type == "BIGNUMERIC":
        return _bignumeric_text(_decimal(value, 38))
    if bq_type == "TIME" and isinstance(value, int):
        return _time(value)
    if bq_type == "DATETIME" and isinstance(value, int):
        return _datetime(value)
    return value


def _patch_write_api() -> None:
    import pyarrow as pa
    from bqemulator.grpc_api import write_servicer
    from bqemulator.storage.arrow_bridge import _coerce_to_arrow_value

    original_schema = write_servicer._table_arrow_schema

    def table_arrow_schema(table_meta: Any) -> Any:
        schema = original_schema(table_meta)
        for i, field in enumerate(schema):
            if (field.metadata or {}).get(b"bq_type") == b"BIGNUMERIC":
                text = pa.list_(pa.string()) if pa.types.is_list(field.type) else pa.string()
                schema = schema.set(i, pa.field(field.name, text, field.nullable, field.metadata))
        return schema

    def proto_rows_to_arrow_table(decoder: Any, serialized_rows: list[bytes], target_schema: Any) -> Any:
        names = set(decoder.field_names)
        pseudo = names & _PSEUDO_COLUMNS
        columns: dict[str, list[Any]] = {f.name: [] for f in target_schema}
        for raw in serialized_rows:
            row = decoder.decode(raw)
            if pseudo:
                change_type = row.get("_CHANGE_TYPE")
                if change_type not in _CHANGE_TYPES:
                    raise ValueError(f"_CHANGE_TYPE must be UPSERT or DELETE, got {change_type!r}")
                sequence = row.get("_CHANGE_SEQUENCE_NUMBER")
                if sequence is not None and not _SEQUENCE_NUMBER.fullmatch(sequence):
                    raise ValueError(f"invalid _CHANGE_SEQUENCE_NUMBER {sequence!r}")
            for field in target_schema:
                bq_type = (field.metadata or {}).get(b"bq_type", b"").decode("ascii") or None
                value = _documented(row.get(field.name), bq_type)
                if isinstance(value, list):
                    value = [_coerce_to_arrow_value(v, field.type.value_type) for v in value]
                elif not isinstance(value, (decimal.Decimal, datetime.time, datetime.datetime)) or bq_type is None:
                    value = _coerce_to_arrow_value(value, field.type, field=field)
                columns[field.name].append(value)
        arrays = {f.name: pa.array(columns[f.name], type=f.type) for f in target_schema}
        return pa.table(arrays, schema=target_schema)

    write_servicer._table_arrow_schema = table_arrow_schema
    write_servicer.proto_rows_to_arrow_table = proto_rows_to_arrow_table


_CLIENT_DEFAULT_STREAM = re.compile(r"(projects/[^/]+/datasets/[^/]+/tables/[^/]+)/_default")


def _patch_default_stream_name() -> None:
    """The client libraries name a table's default stream ``.../tables/T/_default`` (Java's
    StreamWriter.getDefaultStreamName), which BigQuery takes as well as ``.../tables/T/streams/_default``;
    bqemulator knows only the second form. And the clients send the stream's name in the first
    AppendRows request of a connection only, as BigQuery allows; bqemulator looks up the empty
    name of every later request and answers NOT_FOUND."""
    from google.cloud.bigquery_storage_v1 import types

    from bqemulator.grpc_api import write_servicer

    def canonical(name: str) -> str:
        match = _CLIENT_DEFAULT_STREAM.fullmatch(name)
        return match.group(1) + "/streams/_default" if match else name

    original_ensure = write_servicer.BigQueryWriteHandler._ensure_stream_bound
    original_get = write_servicer.BigQueryWriteHandler._handle_get_write_stream

    def ensure(self: Any, stream_name: str, bound_ctx: Any, context: Any) -> Any:
        if not stream_name and bound_ctx is not None:
            return bound_ctx
        return original_ensure(self, canonical(stream_name), bound_ctx, context)

    def get_write_stream(self: Any, request_bytes: bytes, context: Any) -> bytes:
        request = types.GetWriteStreamRequest.deserialize(request_bytes)
        request.name = canonical(request.name)
        return original_get(self, types.GetWriteStreamRequest.serialize(request), context)

    write_servicer.BigQueryWriteHandler._ensure_stream_bound = ensure
    write_servicer.BigQueryWriteHandler._handle_get_write_stream = get_write_stream


def _patch_cdc_needs_a_key() -> None:
    """BigQuery takes _CHANGE_TYPE only on a table with a primary key; bqemulator takes it anywhere.

    The AppendRows handler binds the request's stream, then decodes its rows, on one thread:
    the stream bound last on this thread is the one whose rows are decoded next.
    """
    import threading

    from bqemulator.grpc_api import write_servicer

    bound_here = threading.local()
    original_ensure = write_servicer.BigQueryWriteHandler._ensure_stream_bound
    original_rows = write_servicer._rows_for_request

    def ensure(self: Any, stream_name: str, bound_ctx: Any, context: Any) -> Any:
        bound = original_ensure(self, stream_name, bound_ctx, context)
        bound_here.keyed = None
        if bound is not None:
            stream = bound[0]
            key = (stream.project_id, stream.dataset_id, stream.table_id)
            meta = self._ctx.catalog.get_table(*key)
            constraints = _CONSTRAINTS.get(key)
            bound_here.keyed = (constraints is not None and meta is not None
                                and constraints.created == meta.creation_time and bool(constraints.primary_key))
        return bound

    def rows_for_request(request: Any, proto_decoder: Any, arrow_schema_bytes: Any, target_schema: Any) -> Any:
        result = original_rows(request, proto_decoder, arrow_schema_bytes, target_schema)
        decoder = result[1]
        if (decoder is not None and set(decoder.field_names) & _PSEUDO_COLUMNS
                and getattr(bound_here, "keyed", None) is False):
            raise ValueError("_CHANGE_TYPE and _CHANGE_SEQUENCE_NUMBER need a table with a primary key")
        return result

    write_servicer.BigQueryWriteHandler._ensure_stream_bound = ensure
    write_servicer._rows_for_request = rows_for_request


def _patch_stream_threads() -> None:
    """bqemulator's Storage Write handlers are synchronous: each open AppendRows stream holds a thread
    of the gRPC server's pool until the client closes it, and that pool is asyncio's default, of
    min(32, cores + 4) threads. On two cores the seventh writer (one per table, kept open across
    batches as the destination does) waited for ever, and so did closing it. Plenty of threads."""
    from concurrent.futures import ThreadPoolExecutor

    import grpc.aio

    original = grpc.aio.server

    def server(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("migration_thread_pool", ThreadPoolExecutor(max_workers=256,
                                                                      thread_name_prefix="append-rows"))
        return original(*args, **kwargs)

    grpc.aio.server = server  # bqemulator builds its one server with grpc.aio.server(...)


class _SerialConnection:
    """A DuckDB connection that one thread at a time may use.

    bqemulator shares one DuckDB connection between the REST handlers (asyncio's thread) and the
    Storage Write handlers (a thread per open AppendRows stream), and a DuckDB connection is not
    safe to use from two threads at once. Under load the two deadlocked: a query job waiting inside
    ``execute`` while an AppendRows thread waited in ``unregister`` of its batch, both for good, so
    the destination's writes never returned (seen in BigQueryPipelineIT). Every call on the
    connection, and every attribute read of it, now holds one lock; ``execute`` returns this proxy
    (DuckDB returns the connection itself), so fetching a result holds it too."""

    _lock = threading.RLock()

    def __init__(self, connection: Any) -> None:
        object.__setattr__(self, "_connection", connection)

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            attribute = getattr(self._connection, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                result = attribute(*args, **kwargs)
            if result is self._connection:
                return self
            if isinstance(result, duckdb.DuckDBPyConnection):  # cursor(): a connection of its own
                return _SerialConnection(result)
            return result

        return call


def _offline_extensions(directory: str) -> None:
    """bqemulator runs INSTALL spatial at start; DuckDB finds it in ``directory`` and downloads nothing.
    Its connections are serialised (see _SerialConnection)."""
    original = duckdb.connect

    def connect(database: Any = ":memory:", read_only: bool = False, config: dict[str, Any] | None = None,
                **kwargs: Any) -> Any:
        config = dict(config or {})
        config.setdefault("extension_directory", directory)
        config.setdefault("autoinstall_known_extensions", False)
        return _SerialConnection(original(database, read_only=read_only, config=config, **kwargs))

    duckdb.connect = connect


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rest-port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--extension-dir", required=True)
    parser.add_argument("--project", default="etl-test")
    args = parser.parse_args(argv)
    # Avro load and extract jobs are not used; without this bqemulator would try to download avro.
    os.environ["BQEMU_ENABLE_FORMAT_EXTENSIONS"] = "false"
    _offline_extensions(args.extension_dir)
    _patch_queries()
    _patch_table_resource()
    _patch_write_api()
    _patch_default_stream_name()
    _patch_cdc_needs_a_key()
    _patch_stream_threads()

    from bqemulator.config import Settings
    from bqemulator.server import run_forever

    run_forever(Settings(rest_host="127.0.0.1", rest_port=args.rest_port, grpc_host="127.0.0.1",
                         grpc_port=args.grpc_port, default_project_id=args.project, log_level="warning"))


if __name__ == "__main__":
    main(sys.argv[1:])
