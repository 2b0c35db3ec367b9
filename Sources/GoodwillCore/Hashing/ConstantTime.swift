/// Compares two byte strings in time that depends only on their lengths, not on where they differ,
/// so comparing a secret (an HMAC, a token hash) does not leak how many leading bytes were right.
/// Lengths are not secret: different lengths return false at once.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}
