import Foundation
import GoodwillCore
import Store

/// The api_keys table (migration 4). Uses the caller's connection; not Sendable, like `Database`.
public struct APIKeyStore {
    public let db: Database

    public init(_ db: Database) { self.db = db }

    public static func isValid(name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    /// Creates a key and returns its secret, which is not stored anywhere.
    public func create(name: String, role: Role, now: Date) throws -> NewAPIKey {
        guard Self.isValid(name: name) else { throw APIKeyError.invalidName(name) }
        let secret = SecretGenerator.secret()
        do {
            _ = try db.writeTransaction {
                try db.run("INSERT INTO api_keys (name, role, secret_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(name), .text(role.rawValue), .text(SecretGenerator.hash(secret)),
                            .text(String(secret.prefix(7))), .integer(now.unixMilliseconds)])
            }
        } catch let e as DatabaseError where e.isUniqueViolation {
            throw APIKeyError.nameTaken(name)
        }
        return NewAPIKey(name: name, role: role, secret: secret)
    }

    public func list() throws -> [APIKey] {
        try db.query("SELECT name, role, prefix, created_at, revoked_at FROM api_keys ORDER BY id") { r in
            APIKey(name: r.text(0), role: Role(rawValue: r.text(1)) ?? .auditor, prefix: r.text(2),
                   createdAt: RFC3339.format(Date(unixMilliseconds: r.int64(3))),
                   revokedAt: r.optionalInt64(4).map { RFC3339.format(Date(unixMilliseconds: $0)) })
        }
    }

    public func revoke(name: String, now: Date) throws {
        try db.writeTransaction {
            let row = try db.queryOne("SELECT revoked_at FROM api_keys WHERE name = ?", [.text(name)]) { $0.optionalInt64(0) }
            guard let revokedAt = row else { throw APIKeyError.notFound(name) }
            guard revokedAt == nil else { throw APIKeyError.alreadyRevoked(name) }
            try db.run("UPDATE api_keys SET revoked_at = ? WHERE name = ?", [.integer(now.unixMilliseconds), .text(name)])
        }
    }

    /// The principal a presented secret belongs to; nil for an unknown or revoked key.
    /// Lookup is by the hash (a unique index), so no secret is ever compared byte by byte.
    public func principal(secret: String) throws -> Principal? {
        guard secret.utf8.count <= 128 else { return nil }
        return try db.queryOne("SELECT name, role FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL",
                               [.text(SecretGenerator.hash(secret))]) { r in
            Role(rawValue: r.text(1)).map { Principal(name: r.text(0), role: $0) }
        } ?? nil
    }

    public func count() throws -> Int64 { try db.scalarInt("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL") }
}
