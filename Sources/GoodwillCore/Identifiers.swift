import Foundation

/// Random, unguessable identifiers with a type prefix (`vch_…`, `hld_…`), so an ID
/// can never be mistaken for a voucher code or for an ID of another kind.
public protocol PrefixedIdentifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible
where RawValue == String {
    static var prefix: String { get }
    init(rawValue: String)
}

extension PrefixedIdentifier {
    /// 16 Crockford symbols: 80 random bits.
    /// From the kernel's secure generator, through a buffer (one system call for many IDs).
    public static func generate() -> Self {
        let symbols = SecureRandom.symbols32(16)
        return Self(rawValue: prefix + String(decoding: symbols.map { identifierAlphabet[Int($0)] }, as: UTF8.self))
    }

    public static func generate<G: RandomNumberGenerator>(using rng: inout G) -> Self {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var s = prefix
        for _ in 0..<16 { s.append(alphabet[Int(rng.next(upperBound: UInt8(32)))]) }
        return Self(rawValue: s)
    }

    /// Accepts a string only if it has this type's prefix and a sane body.
    public static func parse(_ text: String) -> Self? {
        guard text.hasPrefix(prefix), text.count <= 64, text.count > prefix.count,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 95 }) else { return nil }
        return Self(rawValue: text)
    }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self.init(rawValue: text)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The lowercase Crockford alphabet of identifiers, as bytes.
let identifierAlphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

public struct VoucherID: PrefixedIdentifier {
    public static let prefix = "vch_"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

public struct HolderID: PrefixedIdentifier {
    public static let prefix = "hld_"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}
