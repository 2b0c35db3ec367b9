import Foundation
import Glibc
import Synchronization

/// Guards the public balance check against code enumeration (OWASP OAT-002): a token bucket per
/// client address, and a lockout that doubles with each unknown or mistyped code after the first
/// few. Both answer 429 with Retry-After. Memory is bounded: at most `maxClients` addresses are
/// remembered, the least recently seen forgotten first (clients serving a lockout last).
/// An IPv6 client is counted by its /64, the block one subscriber gets (RFC 6177), so rotating
/// the interface half of the address does not give it a fresh allowance.
/// Tokens and lockouts run on a monotonic clock, not the wall clock: a system clock stepped back
/// would otherwise stop the refill and lengthen lockouts until it caught up, and one stepped
/// forward would refill every bucket and end every lockout at once.
public final class RateLimiter: Sendable {
    public struct Configuration: Sendable {
        /// Requests a client may make at once.
        public var burst: Double
        /// Tokens added per second (10 a minute by default).
        public var refillPerSecond: Double
        /// Unknown codes tolerated before lockouts start.
        public var freeMisses: Int
        /// The first lockout; each further miss doubles it, up to `maxLockout`.
        public var baseLockout: TimeInterval
        public var maxLockout: TimeInterval
        /// Misses are forgotten after this long without one.
        public var missMemory: TimeInterval
        public var maxClients: Int

        public init(burst: Double = 10, refillPerSecond: Double = 10.0 / 60, freeMisses: Int = 3, baseLockout: TimeInterval = 2,
                    maxLockout: TimeInterval = 900, missMemory: TimeInterval = 3600, maxClients: Int = 10_000) {
            self.burst = burst; self.refillPerSecond = refillPerSecond; self.freeMisses = freeMisses; self.baseLockout = baseLockout
            self.maxLockout = maxLockout; self.missMemory = missMemory; self.maxClients = maxClients
        }
    }

    /// Times are nanoseconds of `uptime`.
    struct Client {
        var tokens: Double
        var updated: UInt64
        var misses = 0
        var lastMiss: UInt64?
        var lockedUntil: UInt64?
    }

    public enum Decision: Equatable {
        case allowed
        /// Refused; retry after this many whole seconds.
        case limited(retryAfter: Int)
    }

    let configuration: Configuration
    /// Monotonic nanoseconds: `systemUptime`, or a clock a test moves.
    let uptime: @Sendable () -> UInt64
    private let clients = Mutex<[String: Client]>([:])

    public init(configuration: Configuration = .init(), uptime: @escaping @Sendable () -> UInt64 = RateLimiter.systemUptime) {
        self.configuration = configuration
        self.uptime = uptime
    }

    /// Nanoseconds on CLOCK_MONOTONIC, which no change to the system time moves.
    public static func systemUptime() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// Takes a token for `address`, unless it is locked out or out of tokens.
    public func admit(_ remoteAddress: String) -> Decision {
        let address = Self.clientKey(remoteAddress)
        let now = uptime()
        let cfg = configuration
        return clients.withLock { clients in
            var c = clients[address] ?? Client(tokens: cfg.burst, updated: now)
            c.tokens = min(cfg.burst, c.tokens + Self.seconds(from: c.updated, to: now) * cfg.refillPerSecond)
            c.updated = max(c.updated, now)
            if let last = c.lastMiss, Self.seconds(from: last, to: now) > cfg.missMemory { c.misses = 0; c.lastMiss = nil }
            defer {
                if clients[address] == nil && clients.count >= cfg.maxClients { Self.evict(&clients, keeping: cfg.maxClients / 2, now: now) }
                clients[address] = c
            }
            if let until = c.lockedUntil, until > now {
                return .limited(retryAfter: max(1, Int(Self.seconds(from: now, to: until).rounded(.up))))
            }
            guard c.tokens >= 1 else {
                return .limited(retryAfter: max(1, Int(((1 - c.tokens) / cfg.refillPerSecond).rounded(.up))))
            }
            c.tokens -= 1
            return .allowed
        }
    }

    /// Records an unknown or mistyped code from `address`: after `freeMisses`, each one locks the
    /// client out for twice as long as the last.
    public func recordMiss(_ remoteAddress: String) {
        let address = Self.clientKey(remoteAddress)
        let now = uptime()
        let cfg = configuration
        clients.withLock { clients in
            var c = clients[address] ?? Client(tokens: cfg.burst, updated: now)
            c.misses += 1
            c.lastMiss = now
            if c.misses > cfg.freeMisses {
                let exponent = min(30, c.misses - cfg.freeMisses - 1)
                // At most about 30 years, so the nanoseconds fit whatever the configuration says.
                let lockout = max(0, min(cfg.maxLockout, cfg.baseLockout * pow(2, Double(exponent)), 1e9))
                c.lockedUntil = now + UInt64(lockout * 1e9)
            }
            clients[address] = c
        }
    }

    /// Keeps the clients serving a lockout, then the most recently seen: a flood of new addresses
    /// must not wipe out the lockouts of the ones guessing codes.
    private static func evict(_ clients: inout [String: Client], keeping: Int, now: UInt64) {
        func locked(_ c: Client) -> Bool { c.lockedUntil.map { $0 > now } ?? false }
        let kept = clients.sorted { a, b in
            locked(a.value) != locked(b.value) ? locked(a.value) : a.value.updated > b.value.updated
        }.prefix(keeping)
        clients = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }

    /// Seconds from `start` to `end`, none if `end` is not later.
    private static func seconds(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1e9 : 0
    }

    /// What a client is counted by: an IPv4 address as it is (also when mapped into IPv6,
    /// `::ffff:192.0.2.7`), an IPv6 address by its first 64 bits (`2001:db8:0:1::/64`).
    static func clientKey(_ address: String) -> String {
        var v6 = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        var bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        for i in 8..<16 { bytes[i] = 0 }
        bytes.withUnsafeBytes { raw in _ = memcpy(&v6, raw.baseAddress!, 16) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count)) != nil else { return address }
        let length = text.firstIndex(of: 0) ?? text.count
        return String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/64"
    }
}
