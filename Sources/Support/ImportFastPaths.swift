import Foundation
import GoodwillCore

/// Helpers that keep a million-row import fast without changing what it accepts: each one has the
/// same result as the general routine it stands in for (tests compare them), but works on bytes.
enum FastText {
    /// Space and tab trimmed from both ends (what a CSV cell may carry around its value).
    static func trimmed(_ s: String) -> String {
        var utf8 = Substring(s).utf8
        while let f = utf8.first, f == 0x20 || f == 0x09 { utf8 = utf8.dropFirst() }
        while let l = utf8.last, l == 0x20 || l == 0x09 { utf8 = utf8.dropLast() }
        return utf8.count == s.utf8.count ? s : String(Substring(utf8))
    }

    /// `VoucherCode.normalize` for ASCII codes, byte by byte; other text goes to the general one.
    static func codeKey(_ code: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(code.utf8.count)
        for b in code.utf8 {
            guard b < 0x80 else { return VoucherCode.normalize(code) }
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x2D: continue  // whitespace and '-'
            case 0x61...0x7A: out.append(b - 0x20)
            default: out.append(b)
            }
            switch out.last {
            case 0x4F?: out[out.count - 1] = 0x30          // O → 0
            case 0x49?, 0x4C?: out[out.count - 1] = 0x31   // I, L → 1
            default: break
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `Money.parse` for the plain shape "123" or "123.45" (ASCII digits, at most the currency's
    /// decimals, no overflow); nil for anything else, which then goes to `Money.parse` for its answer.
    /// `point` is the decimal separator: "." (0x2E), or "," (0x2C) in a semicolon file (`DecimalComma`).
    static func money(_ text: String, currency: Currency, point: UInt8 = 0x2E) -> Money? {
        var minor: Int64 = 0
        var fraction = -1
        for b in text.utf8 {
            if b == point {
                guard fraction == -1, minor >= 0 else { return nil }
                fraction = 0
                continue
            }
            guard b >= 0x30 && b <= 0x39 else { return nil }
            if fraction >= 0 { fraction += 1 }
            let (m, o1) = minor.multipliedReportingOverflow(by: 10)
            let (n, o2) = m.addingReportingOverflow(Int64(b - 0x30))
            guard !o1, !o2 else { return nil }
            minor = n
        }
        // Empty text, a leading or trailing point, or too many decimals: let Money.parse say why.
        guard let first = text.utf8.first, first != point, text.utf8.last != point, fraction <= currency.minorUnitDigits else { return nil }
        for _ in 0..<(currency.minorUnitDigits - max(fraction, 0)) {
            let (m, o) = minor.multipliedReportingOverflow(by: 10)
            guard !o else { return nil }
            minor = m
        }
        return Money(minorUnits: minor, currency: currency)
    }

    /// `Holder.isPlausible` for ASCII addresses without whitespace, by bytes; other text goes to it.
    static func plausibleEmail(_ e: String) -> Bool {
        var at = -1, count = 0, dotAfterAt = false, lastByte: UInt8 = 0, afterAtFirst: UInt8 = 0
        for b in e.utf8 {
            if b >= 0x80 || b <= 0x20 || b == 0x7F { return Holder.isPlausible(email: e) }
            if b == 0x40 {
                guard at == -1 else { return false }
                at = count
            } else if at >= 0 {
                if count == at + 1 { afterAtFirst = b }
                if b == 0x2E { dotAfterAt = true }
            }
            lastByte = b
            count += 1
        }
        return count <= 254 && at > 0 && at < count - 1 && dotAfterAt && afterAtFirst != 0x2E && lastByte != 0x2E
    }

    /// `LocalDate(iso:)` for "YYYY-MM-DD" by bytes.
    static func localDate(_ s: String) -> LocalDate? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        var n = [Int](repeating: 0, count: 3)
        for (i, range) in [(0, 0..<4), (1, 5..<7), (2, 8..<10)] {
            for j in range {
                guard u[j] >= 0x30 && u[j] <= 0x39 else { return nil }
                n[i] = n[i] * 10 + Int(u[j] - 0x30)
            }
        }
        return LocalDate(year: n[0], month: n[1], day: n[2])
    }

    /// True when the text has no control characters other than a line break; plain ASCII is
    /// decided by bytes, anything else by Unicode properties.
    static func hasNoControlCharacters(_ s: String) -> Bool {
        var ascii = true
        for b in s.utf8 {
            if b >= 0x80 { ascii = false; break }
            if (b < 0x20 && b != 0x0A) || b == 0x7F { return false }
        }
        if ascii { return true }
        return !s.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
    }
}
