package io.etl.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificates, made fresh for each cluster: one CA that signs every serving and
 * client certificate (the API server trusts it for client certificates, the kubelet for the API
 * server's calls, and pods find it in {@code kube-root-ca.crt}), and the service-account signing
 * key. Components authenticate with client certificates whose CN is the user and O the groups, as
 * kubeadm's do ({@code system:node:<node>} in {@code system:nodes}, {@code system:kube-scheduler}, ...).
 */
final class ClusterPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final Duration VALIDITY = Duration.ofDays(2);

  private final Path dir;
  private final KeyPair caKey;
  private final X500Name caName = new X500Name("CN=etl-e2e-cluster-ca");

  /** A certificate and its key, as PEM files. */
  record Pair(Path certificate, Path key) {}

  private ClusterPki(Path dir, KeyPair caKey) {
    this.dir = dir;
    this.caKey = caKey;
  }

  /** A new CA in {@code dir} ({@code ca.crt}, {@code ca.key}). */
  static ClusterPki create(Path dir) {
    try {
      Files.createDirectories(dir);
      ClusterPki pki = new ClusterPki(dir, newKey());
      X509v3CertificateBuilder ca = builder(pki.caName, pki.caName, pki.caKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      writePem(pki.caCertificate(), ca.build(pki.signer()), false);
      return pki;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** A serving certificate for the given IP addresses and DNS names. */
  Pair server(String name, List<String> ipAddresses, List<String> dnsNames) {
    List<GeneralName> names = new ArrayList<>();
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    return issue(name, new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build(),
        KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(GeneralName[]::new)));
  }

  /** A client certificate for user {@code user} in {@code groups}. */
  Pair client(String file, String user, String... groups) {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : groups) {
      subject.addRDN(BCStyle.O, group);
    }
    subject.addRDN(BCStyle.CN, user);
    return issue(file, subject.build(), KeyPurposeId.id_kp_clientAuth, null);
  }

  /** The service-account token signing key pair: {@code <name>.key} (private), {@code <name>.pub}. */
  Pair serviceAccountKey(String name) {
    KeyPair key = newKey();
    Path pub = writePem(dir.resolve(name + ".pub"), key.getPublic(), false);
    Path priv = writePem(dir.resolve(name + ".key"), key.getPrivate(), true);
    return new Pair(pub, priv);
  }

  private Pair issue(String file, X500Name subject, KeyPurposeId purpose, GeneralNames altNames) {
    KeyPair key = newKey();
    try {
      X509v3CertificateBuilder builder = builder(caName, subject, key)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      Path certificate = writePem(dir.resolve(file + ".crt"), builder.build(signer()), false);
      return new Pair(certificate, writePem(dir.resolve(file + ".key"), key.getPrivate(), true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ContentSigner signer() {
    try {
      return new JcaContentSignerBuilder("SHA256withRSA").build(caKey.getPrivate());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key.getPublic());
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path writePem(Path file, Object object, boolean secret) {
    try {
      Files.deleteIfExists(file);
      if (secret) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
          JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(object);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
