import Foundation

/// A voucher's current state: the row the ledger keeps in step with its entries.
public struct Voucher: Sendable, Equatable {
    public var id: VoucherID
    /// As shown to people (`XXXX-XXXX-XXXX-XXXX-C`, or an imported legacy code).
    public var code: String
    public var value: Money
    public var balance: Money
    /// The status recorded by the last entry; see `status(at:)` for the one in force now.
    public var storedStatus: VoucherStatus
    public var issuedAt: Date
    public var expiry: Expiry?
    public var timeZone: String
    public var holderID: HolderID?
    public var purchaserID: HolderID?
    public var kind: VoucherKind
    public var experience: String?
    public var message: String?
    public var issuer: String

    public init(id: VoucherID, code: String, value: Money, balance: Money, storedStatus: VoucherStatus,
                issuedAt: Date, expiry: Expiry?, timeZone: String, holderID: HolderID?, purchaserID: HolderID?,
                kind: VoucherKind, experience: String?, message: String?, issuer: String) {
        self.id = id; self.code = code; self.value = value; self.balance = balance
        self.storedStatus = storedStatus; self.issuedAt = issuedAt; self.expiry = expiry
        self.timeZone = timeZone; self.holderID = holderID; self.purchaserID = purchaserID
        self.kind = kind; self.experience = experience; self.message = message; self.issuer = issuer
    }

    /// A voucher past its expiry counts as expired even before the sweep records it.
    public func status(at now: Date) -> VoucherStatus {
        if storedStatus == .active, let expiry, expiry.hasPassed(at: now) { return .expired }
        return storedStatus
    }

    /// The status a voucher falls back to when nothing else holds it (after unblock, reversal,
    /// adjustment or extension): by its balance and expiry.
    public func naturalStatus(balance: Int64, at now: Date) -> VoucherStatus {
        Self.naturalStatus(balance: balance, expiry: expiry, at: now)
    }

    /// The same rule for a voucher not built yet (the import plans rows before it writes them).
    public static func naturalStatus(balance: Int64, expiry: Expiry?, at now: Date) -> VoucherStatus {
        if balance == 0 { return .redeemed }
        if let expiry, expiry.hasPassed(at: now) { return .expired }
        return .active
    }
}

/// A person who holds or bought vouchers. Personal data lives here only, so it can be
/// erased on request while the ledger, which names holders by ID, stays verifiable.
public struct Holder: Sendable, Equatable {
    public var id: HolderID
    public var email: String?
    public var name: String?
    public var locale: String?
    public var timeZone: String?
    public var firstSeenAt: Date
    public var erasedAt: Date?

    public init(id: HolderID, email: String?, name: String?, locale: String?, timeZone: String?,
                firstSeenAt: Date, erasedAt: Date? = nil) {
        self.id = id; self.email = email; self.name = name; self.locale = locale
        self.timeZone = timeZone; self.firstSeenAt = firstSeenAt; self.erasedAt = erasedAt
    }

    /// Emails are found again case-insensitively and without surrounding space.
    public static func normalize(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately small check, read code point by code point so that it means the same in
    /// every program (the API document states it as a pattern): white space at either end trimmed,
    /// then at most 254 code points, exactly one @ with something before it, a domain after it that
    /// has a dot and neither begins nor ends with one, and no white space, newline or hidden
    /// character (`hasHiddenCharacter`) anywhere. (Read as characters a person sees, an @ or a dot
    /// followed by an accent was no @ or dot, and an address with a space inside could pass.)
    public static func isPlausible(email: String) -> Bool {
        let e = email.trimmingCharacters(in: .whitespaces).unicodeScalars
        guard e.count <= emailMaxCodePoints, !e.contains(where: isRefusedInEmail) else { return false }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let domain = parts.last, !parts[0].isEmpty else { return false }
        return domain.contains(".") && domain.first != "." && domain.last != "."
    }

    /// The longest plausible email, in code points (RFC 5321's 254 octets for ASCII addresses).
    public static let emailMaxCodePoints = 254

    /// White space (newlines included) and hidden characters: none may be inside an email.
    public static func isRefusedInEmail(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || isHidden(scalar)
    }

    /// Control and format characters (NUL, ESC, DEL, U+202E RIGHT-TO-LEFT OVERRIDE, zero-width
    /// spaces) and line or paragraph separators: invisible, or acting on a terminal; "x@x.se"
    /// followed by one would be another holder.
    public static func hasHiddenCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isHidden)
    }

    /// One code point of `hasHiddenCharacter`.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
