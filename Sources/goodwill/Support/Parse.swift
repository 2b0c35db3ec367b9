import Foundation
import GoodwillCore

/// Turning command-line text into domain values; every refusal is a usage error that says
/// what was wrong and what to type instead.
enum Parse {
    static func currency(_ text: String) throws -> Currency {
        guard let c = Currency(code: text.trimmingCharacters(in: .whitespaces)) else {
            throw CLIError.usage("'\(text)' is not a currency Goodwill knows. Use an ISO 4217 code such as SEK, EUR, USD, NOK or DKK.")
        }
        return c
    }

    /// A positive amount, like 500 or 499.50.
    static func money(_ text: String, currency: Currency, option: String) throws -> Money {
        let m: Money
        do { m = try Money.parse(text, currency: currency) } catch { throw CLIError.usage("\(option): \(error.description)") }
        guard m.minorUnits > 0 else {
            throw CLIError.usage("\(option): the amount must be more than zero, like 100 or 99.50.")
        }
        return m
    }

    /// A signed, non-zero change, like 50 or -20: one sign, written against the number.
    static func signedMoney(_ text: String, currency: Currency, option: String) throws -> Money {
        let t = text.trimmingCharacters(in: .whitespaces)
        let negative = t.hasPrefix("-")
        let digits = (negative || t.hasPrefix("+")) ? String(t.dropFirst()) : t
        if let next = digits.first, next == "-" || next == "+" {
            throw CLIError.usage("\(option): '\(text)' has more than one sign. Write a decrease like -20 and an increase like 20 or +20.")
        }
        if let next = digits.first, next.isWhitespace {
            throw CLIError.usage("\(option): '\(text)' has a space after the sign. Write the change as one word, like -20 or +20.")
        }
        let m: Money
        do { m = try Money.parse(digits, currency: currency) } catch {
            switch error {
            case .empty, .notANumber:
                guard !digits.contains(",") else { fallthrough }
                // Money.parse's own advice ("without signs") is for amounts; this one may have a sign.
                throw CLIError.usage("\(option): '\(text)' is not a change Goodwill can read. Type digits with an optional point and sign, like -20, 50 or +99.50.")
            default:
                throw CLIError.usage("\(option): \(error.description)")
            }
        }
        guard m.minorUnits > 0 else { throw CLIError.usage("\(option): give a non-zero change, like 50 or -20.") }
        return negative ? Money(minorUnits: -m.minorUnits, currency: currency) : m
    }

    /// A whole number in `range`, the range the service takes (its own constant), so a number
    /// past either end is a usage error here, stating the range, and not a failure there.
    /// `unit`: what is counted, like "days".
    static func wholeNumber(_ text: String, option: String, in range: ClosedRange<Int>, of unit: String? = nil, example: Int) throws -> Int {
        guard let n = Int(text), range.contains(n) else {
            throw CLIError.usage("--\(option) takes a whole number\(unit.map { " of \($0)" } ?? "") from \(range.lowerBound) to \(range.upperBound), like \(example); got '\(text)'.")
        }
        return n
    }

    /// "from 1 to 3650", for an option's help.
    static func range(_ range: ClosedRange<Int>) -> String { "from \(range.lowerBound) to \(range.upperBound)" }

    /// A path that names a file to read: one that exists and is not a folder. `example` is a
    /// file name to suggest, like vouchers.csv.
    static func inputFile(_ path: String, example: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CLIError.failure("'\(path)' does not exist. Check the path.")
        }
        if isFolder.boolValue {
            throw CLIError.failure("'\(path)' is a folder, not a file. Give the file inside it, like \(URL(fileURLWithPath: path).appendingPathComponent(example).path).")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CLIError.failure("'\(path)' cannot be read: its permissions do not let you. Check them, or copy the file somewhere you can read it.")
        }
    }
}
