import Foundation
import GoodwillCore
import Ledger
import PolicyEngine
import Support

/// The parts of the OpenAPI document that state a rule the server keeps in code, generated from
/// the same tables and character classes the server uses, so the document cannot drift from them.
/// Each value is JSON text ready to go between the quotes (or brackets) where it is interpolated.
enum OpenAPIRules {
    /// The whole-number ranges the server checks, from where it keeps them.
    static let expiringWithinDays = VoucherFilter.expiringWithinDaysRange
    static let expiringReportDays = SupportService.expiringReportDays
    static let validityMonths = Validity.monthsRange
    static let extensionDays = PersonalDecision.daysRange
    static let emailMaxCodePoints = Holder.emailMaxCodePoints
    /// The most rules a policy may have.
    static let policyMaxRules = PolicyLoader.maxRules
    /// How many vouchers a simulation lists.
    static let simulationRows = SimulationReport.rowsRange
    static let simulationDefaultRows = SimulationReport.defaultRows

    /// Every currency code the server knows (`Currency.allKnown`), as JSON strings.
    static let currencyCodes = Currency.allKnown.map { "\"\($0.code)\"" }.joined(separator: ", ")

    /// The `currency` of Money and of every request amount, written once.
    static let currency = #"""
        {
            "type": "string",
            "enum": [\#(currencyCodes)],
            "description": "An ISO 4217 code in capitals, as it is stored and answered: SEK. One of the codes this server knows (active codes with a minor unit); another code, or another spelling (sek, \" SEK\"), is refused with 422 invalid-request."
          }
        """#

    /// The bounds of a request's amount in minor units, whatever the currency: a voucher's value
    /// and an adjustment either way are at most `Money.voucherLimitMinorUnits`; a redemption is
    /// bounded by the balance, so by what an Int64 holds as far as the body goes.
    static let voucherLimit = String(Money.voucherLimitMinorUnits)
    static let negativeVoucherLimit = String(-Money.voucherLimitMinorUnits)
    static let int64Max = String(Int64.max)

    /// The reports GET /v1/reports/{name} answers: all but the two with a route of their own, as
    /// they take query parameters (expiring takes days, the roll-forward a period).
    static let reportsByName = ReportName.allCases.filter { $0 != .expiring && $0 != .rollforward }
        .map { "\"\($0.rawValue)\"" }.joined(separator: ", ")

    /// The request schemas of Money: IssueValue (an issue's value), PositiveAmount (a
    /// redemption's), AdjustmentAmount (an adjustment's, signed). Only the amount's bounds and words differ.
    static let issueValue = requestMoney(minimum: "1", maximum: voucherLimit, description: "The voucher's value in whole minor units (öre, cents): 9950 is 99.50 SEK. From 1 to \(voucherLimit) in every currency, whatever its decimals (10 000 000 000.00 SEK, 1 000 000 000 000 JPY, 1 000 000 000.000 KWD); 0 or less, or more, is refused with 422 invalid-amount, and so is a decimal (9950.0) or a string.")
    static let positiveAmount = requestMoney(minimum: "1", maximum: int64Max, description: "Whole minor units (öre, cents), more than 0: 9950 is 99.50 SEK. 0 or less is refused with 422 invalid-amount, and so is a decimal (9950.0), a string or a number beyond 64 bits. At most the voucher's balance (a state the schema cannot know): more is refused with 409 insufficient-balance.")
    static let adjustmentAmount = requestMoney(minimum: negativeVoucherLimit, maximum: voucherLimit, notZero: true,
                                               description: "Signed whole minor units (öre, cents): positive adds to the balance, negative takes away. Not 0, and at most \(voucherLimit) either way; otherwise 422 invalid-amount, as for a decimal (9950.0) or a string. The balance after it must lie between 0 and \(voucherLimit) (the most a voucher may hold), which the schema cannot know: outside, 422 invalid-amount.")

    /// A request's Money: an amount within the bounds (and not 0 when `notZero`), a currency the
    /// server knows, nothing else.
    static func requestMoney(minimum: String, maximum: String, notZero: Bool = false, description: String) -> String {
        """
        {
          "type": "object",
          "required": ["amount", "currency"],
          "properties": {
            "amount": {
              "type": "integer",
              "minimum": \(minimum),
              "maximum": \(maximum),\(notZero ? "\n      \"not\": {\"const\": 0}," : "")
              "description": "\(description)"
            },
            "currency": \(currency)
          },
          "additionalProperties": false
        }
        """
    }

    /// Free text as `SupportService.clean` and `Ledger.clean` take it: trimmed of white space and
    /// newlines at both ends, and then without control characters but the newline.
    /// `requiredText`: something is left after the trimming (a note, a case subject).
    static let requiredText = "^\(w)*\(core)\(w)*$"
    /// `optionalText`: may be empty or blank (then it counts as not given).
    static let optionalText = "^\(w)*(?:\(core)\(w)*)?$"

    /// The `cursor` of GET /v1/vouchers: what `Int64(_:)` reads as 0 or more (next_cursor is plain digits).
    static let cursor = #"^(?:\\+?[0-9]+|-0+)$"#

    /// A person's locale as `Ledger.isPlausible(locale:)` takes it, from the lengths it checks:
    /// a language of ASCII letters, then subtags of ASCII letters or digits, each after a hyphen.
    static let locale = "^[A-Za-z]{\(Ledger.localeLanguage.lowerBound),\(Ledger.localeLanguage.upperBound)}"
        + "(?:-[A-Za-z0-9]{\(Ledger.localeSubtag.lowerBound),\(Ledger.localeSubtag.upperBound)}){0,\(Ledger.localeSubtags)}$"

    /// A person's email as `Ledger.findOrCreate` and `Holder.isPlausible` take it, code point by
    /// code point: white space (`.whitespaces`) at either end, then one @ with something before it
    /// and a domain after it with a dot that is neither its first nor its last code point, and no
    /// white space, newline or hidden character anywhere. The classes name the Basic Multilingual
    /// Plane; the few hidden (format) characters beyond it, and the 254 code points, are in the
    /// field's description (a pattern that counts to 254 would refuse the trimmed spaces' share).
    static let email: String = {
        let trim = ranges { CharacterSet.whitespaces.contains($0) }
        let refused = ranges(Holder.isRefusedInEmail)
        let any = "[^@\(refused)]"
        let notDot = "[^@.\(refused)]"
        return "^[\(trim)]*\(any)+@\(notDot)\(any)*\\\\.\(any)*\(notDot)[\(trim)]*$"
    }()

    /// A non-blank text's core: a first and last character that are neither white space nor a control
    /// character, and between them anything but a control character other than the newline.
    private static let core = "[^\(whiteSpace)\(control)](?:[^\(controlButNewline)]*[^\(whiteSpace)\(control)])?"
    private static let w = "[\(whiteSpace)]"

    // The classes, as `\uXXXX` escapes (which ECMA-262, Python and ICU regular expressions all read
    // alike), JSON-escaped. Both sets lie in the Basic Multilingual Plane (OpenAPIRulesTests holds it).
    static let whiteSpace = ranges { CharacterSet.whitespacesAndNewlines.contains($0) }
    static let control = ranges { $0.properties.generalCategory == .control }
    static let controlButNewline = ranges(PlainText.isRefused)

    static func ranges(_ member: (Unicode.Scalar) -> Bool) -> String {
        var text = "", start: UInt32?, last: UInt32 = 0
        func close() {
            guard let s = start else { return }
            text += escaped(s) + (last > s ? (last > s + 1 ? "-" : "") + escaped(last) : "")
            start = nil
        }
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value), member(scalar) else { close(); continue }
            if start == nil { start = value }
            last = value
        }
        close()
        return text
    }

    private static func escaped(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "\\\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
