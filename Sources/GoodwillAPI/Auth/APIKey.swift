import Foundation
import GoodwillCore

/// An API key as stored: never the secret, only its hash and a short prefix to recognise it by.
public struct APIKey: Sendable, Codable, Equatable {
    public var name: String
    public var role: Role
    /// `gw_` and the first few characters of the secret: enough to tell keys apart, useless to guess one.
    public var prefix: String
    public var createdAt: String
    public var revokedAt: String?

    enum CodingKeys: String, CodingKey { case name, role, prefix, createdAt = "created_at", revokedAt = "revoked_at" }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A key just created: the only moment its secret exists outside the client.
public struct NewAPIKey: Sendable, Codable, Equatable {
    public var name: String
    public var role: Role
    public var secret: String
}

/// Who is asking: the key's name (the actor on every entry it makes) and its role.
public struct Principal: Sendable, Equatable {
    public var name: String
    public var role: Role
    public init(name: String, role: Role) { self.name = name; self.role = role }
}

public enum APIKeyError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case nameTaken(String)
    case notFound(String)
    case alreadyRevoked(String)

    public var description: String {
        switch self {
        case .invalidName(let n):
            return "'\(n)' cannot be a key name. Use 1 to 64 letters, digits, '.', '_' or '-', like pos-store-12."
        case .nameTaken(let n):
            return "A key named '\(n)' exists (or existed: names are never reused, they appear on ledger entries). Choose another name."
        case .notFound(let n):
            return "There is no key named '\(n)'. 'goodwill keys list' shows the keys."
        case .alreadyRevoked(let n):
            return "The key '\(n)' is already revoked."
        }
    }
}

enum SecretGenerator {
    /// RFC 4648 base32 alphabet, lower case: no padding needed for 20 bytes (160 bits).
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// `gw_` + 32 base32 characters from the system's secure random source (getrandom on Linux).
    static func secret() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 20)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        return "gw_" + base32(bytes)
    }

    static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func hash(_ secret: String) -> String { SHA256.hash(secret).hexString }
}
