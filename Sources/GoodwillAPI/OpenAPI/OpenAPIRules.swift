import Foundation
import GoodwillCore
import Ledger
import Support

/// The parts of the OpenAPI document that state a rule the server keeps in code, generated from
/// the same tables and character classes the server uses, so the document cannot drift from them.
/// Each value is JSON text ready to go between the quotes (or brackets) where it is interpolated.
enum OpenAPIRules {
    /// Every currency code the server knows (`Currency.allKnown`), as JSON strings.
    static let currencyCodes = Currency.allKnown.map { "\"\($0.code)\"" }.joined(separator: ", ")

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

    /// A person's email as `Ledger.findOrCreate` and `Holder.isPlausible` take it: trimmed of white
    /// space (`.whitespaces`), then one @ with something before it and a domain after it with a dot
    /// that is neither its first nor its last character, and no white space, newline or hidden
    /// character (`Holder.hasHiddenCharacter`) anywhere. The server reads characters as a person
    /// does: an @ or a dot followed by a combining mark (`joining`) is another character, so is
    /// neither an @ nor a dot, and the pattern reads it so. A character that joins the one after
    /// it (`joinsNext`: only U+0D4E in the Basic Multilingual Plane) and one beyond that plane
    /// (which the `\uXXXX` classes cannot name) can make an @ or a dot another character too: a
    /// text with one gets the second, looser branch, which refuses nothing the server takes. The
    /// 254 characters the server allows are a person's too, which a pattern cannot count.
    static let email: String = {
        let trim = ranges { CharacterSet.whitespaces.contains($0) }
        let hiddenButTrimmed = ranges { Holder.hasHiddenCharacter(String($0)) && !CharacterSet.whitespaces.contains($0) }
        let refused = ranges { Holder.hasHiddenCharacter(String($0)) || Character($0).isWhitespace || Character($0).isNewline }
        let joining = ranges {
            !Holder.hasHiddenCharacter(String($0)) && ("@" + String($0)).count == 1 && ("." + String($0)).count == 1
        }
        let joinsNext = ranges {
            !Holder.hasHiddenCharacter(String($0)) && (String($0) + "@").count == 1 && (String($0) + ".").count == 1
        }
        // One code point beyond the plane (in ECMA-262 without the u flag, either half of one).
        let beyondThePlane = #"[^\\u0000-\\uD7FF\\uE000-\\uFFFF]"#
        // A character of the address that is not its @: anything but white space and hidden
        // characters, and an @ only where a combining mark makes it another character.
        let part = "(?:[^@\(refused)]|@[\(joining)])"
        let strict = "[\(trim)]*\(part)+@"
            // After the @: a dot that is a dot (no combining mark after it) with something after it,
            // and no dot as the last character ...
            + #"(?=[\\s\\S]*\\.(?![\#(joining)])[\\s\\S])(?![\\s\\S]*\\.[\#(trim)]*$)"#
            // ... and a first character that is neither a combining mark nor a plain dot or @.
            + "(?:[^@.\(refused)\(joining)]|[.@][\(joining)])\(part)*[\(trim)]*"
        let loose = #"(?=[\\s\\S]*(?:[\#(joinsNext)]|\#(beyondThePlane)))"#
            + #"[^\#(hiddenButTrimmed)]*@[^\#(hiddenButTrimmed)]*\\.[^\#(hiddenButTrimmed)]*"#
        return "^(?:\(strict)|\(loose))$"
    }()

    /// A non-blank text's core: a first and last character that are neither white space nor a control
    /// character, and between them anything but a control character other than the newline.
    private static let core = "[^\(whiteSpace)\(control)](?:[^\(controlButNewline)]*[^\(whiteSpace)\(control)])?"
    private static let w = "[\(whiteSpace)]"

    // The classes, as `\uXXXX` escapes (which ECMA-262, Python and ICU regular expressions all read
    // alike), JSON-escaped. Both sets lie in the Basic Multilingual Plane (OpenAPIRulesTests holds it).
    static let whiteSpace = ranges { CharacterSet.whitespacesAndNewlines.contains($0) }
    static let control = ranges { $0.properties.generalCategory == .control }
    static let controlButNewline = ranges { $0.properties.generalCategory == .control && $0 != "\n" }

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
