#!/usr/bin/env bash
# Builds a minimal base image for Jib in `docker save` format from the local JDK 17, for machines
# where no registry (eclipse-temurin:17-jre) is reachable:
#   - a jlink runtime with the modules the replicator needs at /opt/java/openjdk, with the JDK's
#     default class-data sharing archive (jlink leaves it out; a JRE image ships one)
#   - the shared libraries `ldd` says that runtime needs (and the dynamic loader)
#   - /etc/passwd and /etc/group with the non-root user 65532, a world-writable /tmp
# Usage: build-base-image.sh [output tarball (default target/base-image.tar)]
# The result is cached per JDK in ${XDG_CACHE_HOME:-~/.cache}/etl/, so a machine builds it once.
# The module's test build runs this itself; for the image users run, see README.md (-Pjib).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tarball="${1:-$here/target/base-image.tar}"
out="$(dirname "$tarball")/base-image"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
java_version="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ {print $2}')"
# the suffix names what the script puts in the image: a cache built by an older script is not reused
cache="${XDG_CACHE_HOME:-$HOME/.cache}/etl/base-image-$java_version-cds.tar"
mkdir -p "$(dirname "$tarball")"
if [ -s "$cache" ]; then
  cp "$cache" "$tarball"
  echo "etl: base image $tarball from the cache $cache"
  exit 0
fi
modules="java.base,java.sql,java.naming,java.management,jdk.unsupported,java.net.http,jdk.httpserver,java.xml,java.logging,jdk.crypto.ec,java.security.jgss,jdk.management"

command -v "$java_home/bin/jlink" >/dev/null || { echo "etl: no jlink in $java_home. Fix: set JAVA_HOME to a full JDK 17." >&2; exit 1; }
[ -d "$java_home/jmods" ] || { echo "etl: $java_home has no jmods. Fix: install the JDK's jmods (Debian: openjdk-17-jdk-headless) or set JAVA_HOME to a JDK that has them." >&2; exit 1; }

rm -rf "$out" "$tarball"
rootfs="$out/rootfs"
mkdir -p "$rootfs/opt/java" "$rootfs/etc" "$rootfs/tmp" "$out/image"

"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$rootfs/opt/java/openjdk"

# every library the runtime's binaries and libraries link against, copied to the same path
# (symlinks resolved, so the layer holds plain files). ldd fails on a file that is not a dynamic
# executable; under pipefail that must not end the script, so each ldd is allowed to fail.
libs="$(find "$rootfs/opt/java/openjdk" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 -n1 sh -c 'ldd "$0" 2>/dev/null || true' \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' \
  | sort -u)"
for lib in $libs; do
  case "$lib" in "$rootfs"/*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
# glibc resolves host names and users through NSS modules it loads at run time, not via ldd
for nss in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  if [ -e "$nss" ]; then
    mkdir -p "$rootfs$(dirname "$nss")"
    cp -L "$nss" "$rootfs$nss"
  fi
done
# Debian's JDK links cacerts to /etc/ssl/certs/java/cacerts; TLS to the databases needs real content
if [ -L "$rootfs/opt/java/openjdk/lib/security/cacerts" ] || [ ! -s "$rootfs/opt/java/openjdk/lib/security/cacerts" ]; then
  rm -f "$rootfs/opt/java/openjdk/lib/security/cacerts"
  cp -L "$java_home/lib/security/cacerts" "$rootfs/opt/java/openjdk/lib/security/cacerts"
fi

# the jlink runtime must at least start (ImageEntrypointIT runs it inside the image's own root)
"$rootfs/opt/java/openjdk/bin/java" -version >/dev/null 2>&1 || {
  echo "etl: the jlink runtime in $rootfs does not start: $("$rootfs/opt/java/openjdk/bin/java" -version 2>&1 || true)" >&2
  exit 1
}
# The JDK's default CDS archive (lib/server/classes.jsa): the JDK's own classes are mapped, not
# loaded and verified, at every start; jlink of JDK 17 does not write it, so dump it here.
"$rootfs/opt/java/openjdk/bin/java" -Xshare:dump >/dev/null 2>&1 || {
  echo "etl: could not write the CDS archive of the jlink runtime: $("$rootfs/opt/java/openjdk/bin/java" -Xshare:dump 2>&1 | tail -3)" >&2
  exit 1
}
"$rootfs/opt/java/openjdk/bin/java" -Xshare:on -version >/dev/null 2>&1 || {
  echo "etl: the jlink runtime does not start with its CDS archive: $("$rootfs/opt/java/openjdk/bin/java" -Xshare:on -version 2>&1 | tail -3)" >&2
  exit 1
}

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$rootfs/etc/hosts"
mkdir -p "$rootfs/home/nonroot"
chmod 1777 "$rootfs/tmp"

# one reproducible layer owned by root
tar --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$out/image/layer.tar" .
diff_id="sha256:$(sha256sum "$out/image/layer.tar" | cut -d' ' -f1)"
mkdir -p "$out/image/layer"
mv "$out/image/layer.tar" "$out/image/layer/layer.tar"

cat > "$out/image/config.json" <<JSON
{
  "architecture": "amd64",
  "os": "linux",
  "config": {
    "Env": [
      "PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=/opt/java/openjdk",
      "LANG=C.UTF-8"
    ]
  },
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "replicator-image/build-base-image.sh: jlink $modules"}]
}
JSON
config_sha="$(sha256sum "$out/image/config.json" | cut -d' ' -f1)"
mv "$out/image/config.json" "$out/image/$config_sha.json"
cat > "$out/image/manifest.json" <<JSON
[{"Config": "$config_sha.json", "RepoTags": ["etl/replicator-base:17"], "Layers": ["layer/layer.tar"]}]
JSON

# named entries only: Jib refuses a "./" entry in the outer archive
tar --mtime='@0' --owner=0 --group=0 --numeric-owner -C "$out/image" -cf "$tarball" manifest.json "$config_sha.json" layer/layer.tar
mkdir -p "$(dirname "$cache")" && cp "$tarball" "$cache.tmp" && mv "$cache.tmp" "$cache"
echo "etl: wrote $tarball ($(du -h "$tarball" | cut -f1)): jlink runtime of $java_home with $modules"
