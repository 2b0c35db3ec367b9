import Dispatch
import Synchronization

/// Recently verified keys, so a busy client does not cost a hash and a query per request. An
/// entry lives `ttl` seconds: a key revoked with `goodwill keys revoke` (another process) stops
/// working within that time. Unknown keys are never cached, so a revoked key is never "remembered".
final class KeyCache: Sendable {
    private struct Entry { var principal: Principal; var expires: UInt64 }
    private let entries = Mutex<[String: Entry]>([:])
    private let ttlNanoseconds: UInt64
    private let capacity: Int

    init(ttl: Double = 1, capacity: Int = 1024) {
        ttlNanoseconds = UInt64(ttl * 1e9)
        self.capacity = capacity
    }

    func principal(for secret: String, lookUp: () throws -> Principal?) rethrows -> Principal? {
        let now = DispatchTime.now().uptimeNanoseconds
        if let hit = entries.withLock({ $0[secret] }), hit.expires > now { return hit.principal }
        guard let found = try lookUp() else {
            entries.withLock { _ = $0.removeValue(forKey: secret) }
            return nil
        }
        entries.withLock { e in
            if e.count >= capacity { e = e.filter { $0.value.expires > now } }
            if e.count < capacity { e[secret] = Entry(principal: found, expires: now + ttlNanoseconds) }
        }
        return found
    }
}
