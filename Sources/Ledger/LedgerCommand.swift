import Foundation
import GoodwillCore

/// Which voucher an operation is about: its ID (`vch_…`) or its code as typed.
public enum VoucherReference: Sendable, Codable, Equatable, CustomStringConvertible {
    case id(VoucherID)
    case code(String)

    /// `vch_…` is an ID; anything else is read as a code.
    public init(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let id = VoucherID.parse(t) { self = .id(id) } else { self = .code(t) }
    }

    public var description: String {
        switch self {
        case .id(let id): return id.rawValue
        case .code(let c): return c
        }
    }
}

/// A person named in a request (holder or purchaser).
public struct PersonInput: Sendable, Codable, Equatable {
    public var email: String?
    public var name: String?
    public var locale: String?
    public var timeZone: String?

    public init(email: String? = nil, name: String? = nil, locale: String? = nil, timeZone: String? = nil) {
        self.email = email; self.name = name; self.locale = locale; self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey { case email, name, locale, timeZone = "time_zone" }

    public var isEmpty: Bool { email == nil && name == nil && locale == nil && timeZone == nil }
}

public struct IssueRequest: Sendable, Codable, Equatable {
    public var value: Money
    /// nil: the issuer's default validity.
    public var validity: Validity?
    public var timeZone: String?
    public var holder: PersonInput?
    public var purchaser: PersonInput?
    public var kind: VoucherKind?
    public var experience: String?
    public var message: String?

    public init(value: Money, validity: Validity? = nil, timeZone: String? = nil, holder: PersonInput? = nil,
                purchaser: PersonInput? = nil, kind: VoucherKind? = nil, experience: String? = nil, message: String? = nil) {
        self.value = value; self.validity = validity; self.timeZone = timeZone; self.holder = holder
        self.purchaser = purchaser; self.kind = kind; self.experience = experience; self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case value, validity, timeZone = "time_zone", holder, purchaser, kind, experience, message
    }
}

extension Validity: Codable {
    enum CodingKeys: String, CodingKey { case months, lastDay = "last_day", none }

    /// `{"months": 12}`, `{"last_day": "2027-04-16"}` or `{"none": true}`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let present = c.allKeys.count
        guard present == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "validity takes exactly one of months, last_day or none"))
        }
        // The one field given is read as what it must be, so a null months or last_day is refused
        // by its own name rather than read as a none that is not true.
        if c.contains(.months) { self = .months(try c.decode(Int.self, forKey: .months)); return }
        if c.contains(.lastDay) { self = .lastDay(try c.decode(LocalDate.self, forKey: .lastDay)); return }
        if try c.decodeIfPresent(Bool.self, forKey: .none) == true { self = .none; return }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
            debugDescription: "validity: none must be true when given"))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .months(let m): try c.encode(m, forKey: .months)
        case .lastDay(let d): try c.encode(d, forKey: .lastDay)
        case .none: try c.encode(true, forKey: .none)
        }
    }
}

/// Every change the ledger can make. A command is plain data, so it can be fingerprinted for
/// idempotency and queued for a group commit.
public enum LedgerCommand: Sendable, Codable, Equatable {
    case issue(IssueRequest)
    case redeem(VoucherReference, amount: Money, reference: String?)
    case reverse(entryID: Int64, reason: String?)
    case void(VoucherReference, reason: String?)
    case block(VoucherReference, reason: String?)
    case unblock(VoucherReference, reason: String?)
    case adjust(VoucherReference, amount: Money, reason: String)
    case refund(VoucherReference, reference: String?, reason: String?)
    case extend(VoucherReference, ExtensionRequest)

    public var name: String {
        switch self {
        case .issue: return "issue"
        case .redeem: return "redeem"
        case .reverse: return "reverse"
        case .void: return "void"
        case .block: return "block"
        case .unblock: return "unblock"
        case .adjust: return "adjust"
        case .refund: return "refund"
        case .extend: return "extend"
        }
    }
}
