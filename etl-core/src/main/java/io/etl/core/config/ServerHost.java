package io.etl.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * What a PostgreSQL {@code host} setting may hold: one DNS name or one IP address. pgjdbc reads a
 * list of hosts (commas) from its host property and, in a URL, options after {@code ?}; a host that
 * is neither a name nor an address can only be a mistake or an attempt to hand the driver settings
 * nobody configured, such as {@code sslmode=disable}. The CRD holds the same rule as a CEL rule on
 * {@code PostgresEndpoint.host}, so the API server refuses what the replicator would.
 */
public final class ServerHost {
  /**
   * RFC 1123 labels of letters, digits and hyphens, plus underscores (Docker Compose service names
   * and some internal DNS zones use them), with an optional final dot for a fully qualified name.
   */
  public static final String DNS_NAME =
      "^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?([.][A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*[.]?$";

  private static final int MAX_LENGTH = 253;
  private static final Pattern NAME = Pattern.compile(DNS_NAME);
  // no '%': a zone id names a local interface, which a server address in a config has no use for
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

  private ServerHost() {}

  public static boolean isValid(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_LENGTH) {
      return false;
    }
    if (NAME.matcher(host).matches()) {
      return true;
    }
    return host.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(host).matches() && isIpv6Literal(host);
  }

  /** The problem with {@code host} as {@code field} (e.g. {@code source}), without a final period. */
  public static String problem(String field, String host) {
    return field + ".host must be a DNS name or an IP address (the port goes in " + field + ".port; no path or options),"
        + " got '" + host + "'";
  }

  private static boolean isIpv6Literal(String host) {
    try {
      // in brackets InetAddress only parses an IPv6 literal: it never looks the text up in DNS
      InetAddress.getByName("[" + host + "]");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
