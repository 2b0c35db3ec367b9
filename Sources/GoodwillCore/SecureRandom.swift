#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Cryptographically secure random bytes from the kernel, fetched 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` makes one system call per 64-bit number; an ID or a code took
/// 16 of them, a voucher issue over 30. Here one call serves about 250 IDs. Every byte is handed
/// out once: the pool is guarded by a mutex, the offset only grows until a refill overwrites the
/// whole pool, and handed-out bytes are zeroed in the pool so no copy of a code's randomness stays.
enum SecureRandom {
    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var offset = 4096  // empty: the first use fills it
    }

    private static let pool = Mutex(Pool())

    /// Fills `out` with fresh random bytes.
    static func fill(_ out: UnsafeMutableRawBufferPointer) {
        guard out.count > 0 else { return }
        pool.withLock { pool in
            if out.count > pool.bytes.count {
                kernelFill(out)
                return
            }
            if pool.bytes.count - pool.offset < out.count {
                pool.bytes.withUnsafeMutableBytes { kernelFill($0) }
                pool.offset = 0
            }
            let start = pool.offset
            pool.bytes.withUnsafeMutableBytes { all in
                let slice = UnsafeMutableRawBufferPointer(rebasing: all[start..<start + out.count])
                out.copyMemory(from: UnsafeRawBufferPointer(slice))
                slice.initializeMemory(as: UInt8.self, repeating: 0)
            }
            pool.offset += out.count
        }
    }

    /// The pool as a `RandomNumberGenerator`: each number is 8 fresh bytes of it.
    struct Generator: RandomNumberGenerator {
        mutating func next() -> UInt64 {
            var value: UInt64 = 0
            withUnsafeMutableBytes(of: &value) { SecureRandom.fill($0) }
            return value
        }
    }

    /// `count` random symbols below 32 (each byte's low five bits; 256 is a multiple of 32, so unbiased).
    static func symbols32(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        for i in out.indices { out[i] &= 31 }
        return out
    }

    /// The kernel's generator through /dev/urandom (Glibc's module does not export getrandom);
    /// on Linux both read the same ChaCha20 source once it is seeded at boot.
    private static func kernelFill(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        var fd: Int32
        repeat { fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { fatalError("cannot open /dev/urandom (errno \(errno)); no secure randomness for IDs and codes") }
        defer { close(fd) }
        var done = 0
        while done < buffer.count {
            let n = read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { fatalError("reading /dev/urandom failed (errno \(errno)); no secure randomness for IDs and codes") }
            done += n
        }
        #else
        arc4random_buf(buffer.baseAddress!, buffer.count)
        #endif
    }
}
