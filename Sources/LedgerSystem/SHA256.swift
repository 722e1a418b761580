import COpenSSL

/// SHA-256 of bytes, through the system's libcrypto (the CPU's SHA extensions where present).
/// Used to fingerprint input batches: the archive's evidence is verified against it, and a file
/// with the same digest as a registered one is a duplicate.
public struct SHA256: ~Copyable {
  private let context: OpaquePointer

  /// A fresh digest.
  public init() {
    // EVP_MD_CTX_new returns NULL only when memory is exhausted: nothing sensible remains.
    guard let context = EVP_MD_CTX_new() else { fatalError("SHA256: libcrypto could not allocate a digest context") }
    self.context = context
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
  }

  deinit { EVP_MD_CTX_free(context) }

  /// Adds `bytes` to the digest.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    EVP_DigestUpdate(context, base, bytes.count)
  }

  /// The digest of everything added, as 64 lowercase hex digits.
  public consuming func finalize() -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    digest.withUnsafeMutableBufferPointer { buffer in
      _ = EVP_DigestFinal_ex(context, buffer.baseAddress, &length)
    }
    return Self.hex(digest.prefix(Int(length)))
  }

  /// The digest of `bytes`, as 64 lowercase hex digits.
  public static func hex(of bytes: UnsafeRawBufferPointer) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The digest of `text`'s UTF-8 bytes.
  public static func hex(of text: String) -> String {
    Array(text.utf8).withUnsafeBytes { hex(of: $0) }
  }

  private static func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
