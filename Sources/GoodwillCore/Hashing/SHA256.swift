import CSHA256

/// SHA-256 (FIPS 180-4), because Foundation on Linux has no hash functions. The padding and
/// buffering are here; the compression function is in Sources/CSHA256, which uses the CPU's SHA
/// instructions where it has them.
///
/// Incremental: `update` any number of times, then `finalize`. Contiguous input (`[UInt8]`, `Data`,
/// native `String`s, raw buffers) is compressed 64-byte block by block straight from its storage;
/// other sequences are copied through a stack buffer, never byte by byte into the hash state.
public struct SHA256: Sendable {
    public static let digestByteCount = 32
    public static let blockByteCount = 64

    private var state = State()
    /// Bytes of an incomplete block waiting for more input; 8 × 8 = 64 bytes, held inline (no heap).
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var totalByteCount: UInt64 = 0

    public init() {}

    /// Hashes the bytes of `buffer`; the fast path the other `update`s lead to.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var base = buffer.baseAddress, buffer.count > 0 else { return }
        var remaining = buffer.count
        totalByteCount &+= UInt64(remaining)

        if pendingCount > 0 {
            let taken = min(remaining, Self.blockByteCount - pendingCount)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                (block.baseAddress! + offset).copyMemory(from: base, byteCount: taken)
            }
            pendingCount += taken
            base += taken
            remaining -= taken
            guard pendingCount == Self.blockByteCount else { return }
            let block = pending
            withUnsafeBytes(of: block) { state.compress($0.baseAddress!, blocks: 1) }
            pendingCount = 0
        }
        let blocks = remaining / Self.blockByteCount
        if blocks > 0 {
            state.compress(base, blocks: blocks)
            base += blocks * Self.blockByteCount
            remaining -= blocks * Self.blockByteCount
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: base, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// Hashes the UTF-8 bytes of `string` without copying them when the string is native.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    public mutating func update<D: Sequence>(_ bytes: D) where D.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled != nil { return }
        // Non-contiguous sequence: gather into a stack buffer and hash it in large pieces.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { chunk in
            var count = 0
            for byte in bytes {
                chunk[count] = byte
                count += 1
                if count == chunk.count {
                    update(UnsafeRawBufferPointer(chunk))
                    count = 0
                }
            }
            update(UnsafeRawBufferPointer(start: chunk.baseAddress, count: count))
        }
    }

    /// Pads the message (FIPS 180-4 §5.1.1), returns the 32-byte digest, and resets this hasher
    /// to the empty state so it can be reused for a new message.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalByteCount &* 8
        // 0x80, zeros up to 56 mod 64, then the message length in bits as a big-endian UInt64.
        let zeroCount = pendingCount < 56 ? 55 - pendingCount : 119 - pendingCount
        var padding = [UInt8](repeating: 0, count: 1 + zeroCount + 8)
        padding[0] = 0x80
        for index in 0..<8 {
            padding[padding.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(index)))
        }
        update(padding)
        precondition(pendingCount == 0, "SHA-256 padding must end on a block boundary")

        let digest = state.bigEndianBytes
        self = SHA256()
        return digest
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(string)
        return hasher.finalize()
    }
}

extension SHA256 {
    /// The eight hash words H0…H7, initialised per FIPS 180-4 §5.3.3 (a homogeneous tuple, so
    /// laid out as the `uint32_t[8]` the C function takes).
    private struct State: Sendable {
        var words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)

        var bigEndianBytes: [UInt8] {
            withUnsafeBytes(of: words) { raw in
                var bytes: [UInt8] = []
                bytes.reserveCapacity(SHA256.digestByteCount)
                for word in raw.bindMemory(to: UInt32.self) {
                    bytes.append(UInt8(truncatingIfNeeded: word >> 24))
                    bytes.append(UInt8(truncatingIfNeeded: word >> 16))
                    bytes.append(UInt8(truncatingIfNeeded: word >> 8))
                    bytes.append(UInt8(truncatingIfNeeded: word))
                }
                return bytes
            }
        }

        /// The compression function (FIPS 180-4 §6.2.2) over `blocks` 64-byte blocks at `data`.
        mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
            withUnsafeMutableBytes(of: &words) { raw in
                gw_sha256_compress(raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                   data.assumingMemoryBound(to: UInt8.self), blocks)
            }
        }
    }

    /// Whether this machine's CPU does the compression (the SHA extensions), for benchmarks' reports.
    public static var usesCPUExtensions: Bool { gw_sha256_uses_cpu_extensions() != 0 }
}
