import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unguessable identifiers with a type prefix (`vch_…`, `hld_…`), so an ID can never be mistaken
/// for a voucher code or for an ID of another kind.
///
/// An ID is the prefix, 9 symbols of the machine's Unix time in milliseconds, then 16 random
/// symbols (80 bits), all in a lowercase Crockford alphabet that sorts like the numbers it spells.
/// The time part is there only so that IDs made one after another sort one after another, as in
/// UUIDv7 (RFC 9562, section 5.7): the unique indexes on voucher and holder IDs then grow at
/// their right edge instead of at a random page each, which made a million-voucher import a
/// quarter faster. It is not a fact of the domain (the injected clock is; an imported voucher's
/// ID says when it was imported, not issued), nothing reads it back, and IDs made before it
/// (16 random symbols) stay valid.
public protocol PrefixedIdentifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible
where RawValue == String {
    static var prefix: String { get }
    init(rawValue: String)
}

extension PrefixedIdentifier {
    /// The time, then 16 Crockford symbols of 80 random bits from the kernel's secure generator,
    /// through a buffer (one system call for many IDs; see `SecureRandom`).
    public static func generate() -> Self {
        var source = SecureRandom.Generator()
        return generate(using: &source)
    }

    /// The same with the random bits from `rng` (two draws).
    public static func generate<G: RandomNumberGenerator>(using rng: inout G) -> Self {
        var bytes = Array(prefix.utf8)
        IdentifierTime.append(to: &bytes)
        var bits = rng.next()
        for i in 0..<16 {
            if i == 12 { bits = rng.next() }  // 12 × 5 = 60 bits from the first draw, 20 from the second
            bytes.append(identifierAlphabet[Int(bits & 31)])
            bits >>= 5
        }
        return Self(rawValue: String(decoding: bytes, as: UTF8.self))
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

/// The time part of identifiers: the machine's real-time clock, not the injected one (see
/// `PrefixedIdentifier`).
enum IdentifierTime {
    /// Symbols of milliseconds: 45 bits last until the year 3085.
    static let symbols = 9

    /// Appends the current Unix time in milliseconds as `symbols` symbols, most significant first.
    static func append(to bytes: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        append(milliseconds: UInt64(max(0, now.tv_sec)) &* 1000 &+ UInt64(max(0, now.tv_nsec)) / 1_000_000, to: &bytes)
    }

    static func append(milliseconds: UInt64, to bytes: inout [UInt8]) {
        for i in (0..<symbols).reversed() { bytes.append(identifierAlphabet[Int((milliseconds >> UInt64(5 * i)) & 31)]) }
    }
}

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
