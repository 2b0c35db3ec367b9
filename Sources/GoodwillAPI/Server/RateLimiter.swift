import Foundation
import GoodwillCore
import Synchronization

/// Guards the public balance check against code enumeration (OWASP OAT-002): a token bucket per
/// client address, and a lockout that doubles with each unknown or mistyped code after the first
/// few. Both answer 429 with Retry-After. Memory is bounded: at most `maxClients` addresses are
/// remembered, the least recently seen forgotten first.
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

    struct Client {
        var tokens: Double
        var updated: Date
        var misses = 0
        var lastMiss: Date?
        var lockedUntil: Date?
    }

    public enum Decision: Equatable {
        case allowed
        /// Refused; retry after this many whole seconds.
        case limited(retryAfter: Int)
    }

    let configuration: Configuration
    let clock: any Clock
    private let clients = Mutex<[String: Client]>([:])

    public init(configuration: Configuration = .init(), clock: any Clock) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Takes a token for `address`, unless it is locked out or out of tokens.
    public func admit(_ address: String) -> Decision {
        let now = clock.now()
        let cfg = configuration
        return clients.withLock { clients in
            var c = clients[address] ?? Client(tokens: cfg.burst, updated: now)
            c.tokens = min(cfg.burst, c.tokens + max(0, now.timeIntervalSince(c.updated)) * cfg.refillPerSecond)
            c.updated = now
            if let last = c.lastMiss, now.timeIntervalSince(last) > cfg.missMemory { c.misses = 0; c.lastMiss = nil }
            defer {
                if clients[address] == nil && clients.count >= cfg.maxClients { Self.evict(&clients, keeping: cfg.maxClients / 2) }
                clients[address] = c
            }
            if let until = c.lockedUntil, until > now {
                return .limited(retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
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
    public func recordMiss(_ address: String) {
        let now = clock.now()
        let cfg = configuration
        clients.withLock { clients in
            var c = clients[address] ?? Client(tokens: cfg.burst, updated: now)
            c.misses += 1
            c.lastMiss = now
            if c.misses > cfg.freeMisses {
                let exponent = min(30, c.misses - cfg.freeMisses - 1)
                c.lockedUntil = now.addingTimeInterval(min(cfg.maxLockout, cfg.baseLockout * pow(2, Double(exponent))))
            }
            clients[address] = c
        }
    }

    private static func evict(_ clients: inout [String: Client], keeping: Int) {
        let recent = clients.sorted { $0.value.updated > $1.value.updated }.prefix(keeping)
        clients = Dictionary(uniqueKeysWithValues: recent.map { ($0.key, $0.value) })
    }
}
