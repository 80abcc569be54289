package io.etl.core.event;

/** The server's description of a non-built-in type used by a following relation. */
public record TypeEvent(int oid, String namespace, String name) implements Event {}
