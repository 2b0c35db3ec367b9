/// HMAC with SHA-256 (RFC 2104, test vectors in RFC 4231), e.g. for signing webhook bodies.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        // RFC 2104 §2: keys longer than the block are hashed first; shorter keys are zero-padded.
        var keyBlock = Array(key)
        if keyBlock.count > SHA256.blockByteCount { keyBlock = SHA256.hash(keyBlock) }
        keyBlock.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - keyBlock.count))

        var inner = SHA256()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256()
        outer.update(keyBlock.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// Whether `code` is the authentication code of `message` under `key`, compared in constant time.
    /// A `code` shorter than 32 bytes is compared against the same-length prefix (RFC 4231 §4.6
    /// truncation) but never below 16 bytes, to keep a forger's odds negligible.
    public static func isValidAuthenticationCode(
        _ code: [UInt8], for message: some Sequence<UInt8>, key: some Sequence<UInt8>
    ) -> Bool {
        guard code.count >= 16, code.count <= SHA256.digestByteCount else { return false }
        let expected = authenticationCode(for: message, key: key)
        return constantTimeEquals(Array(expected.prefix(code.count)), code)
    }
}
