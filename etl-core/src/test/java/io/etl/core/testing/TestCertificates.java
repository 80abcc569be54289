package io.etl.core.testing;

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
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made by a test for itself: a CA, and server certificates it signs, written as the
 * PEM files PostgreSQL ({@code ssl_cert_file}, {@code ssl_key_file}) and pgjdbc
 * ({@code sslrootcert}) read. RSA keys: the OpenSSL the embedded PostgreSQL binaries bring refuses
 * the EC keys Java writes ("EC lib").
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final Duration VALIDITY = Duration.ofDays(2);

  private final String name;
  private final KeyPair key;
  private final X509CertificateHolder certificate;

  /** A server certificate: the CA that signed it and the files the server needs. */
  public record ServerFiles(Path caCertificate, Path certificate, Path privateKey) {}

  private TestCertificates(String name, KeyPair key, X509CertificateHolder certificate) {
    this.name = name;
    this.key = key;
    this.certificate = certificate;
  }

  /** A self-signed CA named {@code CN=<name>}. */
  public static TestCertificates authority(String name) {
    KeyPair key = newKey();
    X500Name subject = new X500Name("CN=" + name);
    try {
      X509v3CertificateBuilder builder = builder(subject, subject, key)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new TestCertificates(name, key, builder.build(signer(key.getPrivate())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This CA's certificate as {@code <dir>/<name>.crt}. */
  public Path writeCertificate(Path dir) {
    return writePem(dir.resolve(name + ".crt"), certificate, false);
  }

  /**
   * A server certificate for {@code dnsName} (its only subject alternative name, so a connection to
   * any other name, such as {@code 127.0.0.1} for {@code localhost}, fails the host name check),
   * written with its key (mode 0600, as PostgreSQL demands) and this CA's certificate into {@code dir}.
   */
  public ServerFiles issueServer(Path dir, String dnsName) {
    KeyPair serverKey = newKey();
    try {
      X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + dnsName), serverKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
      X509CertificateHolder server = builder.build(signer(key.getPrivate()));
      Path ca = writeCertificate(dir);
      Path cert = writePem(dir.resolve(dnsName + ".crt"), server, false);
      Path privateKey = writePem(dir.resolve(dnsName + ".key"), serverKey.getPrivate(), true);
      return new ServerFiles(ca, cert, privateKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key.getPublic());
  }

  private static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder("SHA256withRSA").build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
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
