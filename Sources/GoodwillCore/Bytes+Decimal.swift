extension Array where Element == UInt8 {
    /// Appends the bytes of `String(n)` without making the String: the ledger's canonical
    /// content, the request log line and the hot-path JSON answers are built this way.
    public mutating func appendDecimal(_ n: Int64) {
        if n < 0 { append(45) }
        var m = n.magnitude
        let start = count
        repeat { append(UInt8(truncatingIfNeeded: m % 10) &+ 48); m /= 10 } while m > 0
        self[start...].reverse()
    }
}
