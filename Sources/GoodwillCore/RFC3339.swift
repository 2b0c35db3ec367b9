import Foundation

/// RFC 3339 timestamps: how instants are written in JSON and read from `GOODWILL_NOW`.
public enum RFC3339 {
    /// `2026-04-16T09:30:00Z`, or with milliseconds when the instant has them.
    public static func format(_ date: Date) -> String {
        let ms = date.unixMilliseconds
        var seconds = ms / 1000
        var millis = ms % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        let days = Int(floorDiv(seconds, 86_400))
        let secs = Int(seconds - Int64(days) * 86_400)
        let day = LocalDate(daysSinceEpoch: days)
        guard (0...9999).contains(day.year) else {
            func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            var text = "\(day.isoString)T\(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60))"
            if millis != 0 { text += "." + String(repeating: "0", count: 3 - String(millis).count) + String(millis) }
            return text + "Z"
        }
        // Written as bytes: this runs several times for every voucher shown.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var n = day.writeISO(into: buffer, at: 0)
            func two(_ v: Int) {
                buffer[n] = UInt8(48 + v / 10); buffer[n + 1] = UInt8(48 + v % 10); n += 2
            }
            buffer[n] = UInt8(ascii: "T"); n += 1
            two(secs / 3600); buffer[n] = UInt8(ascii: ":"); n += 1
            two(secs / 60 % 60); buffer[n] = UInt8(ascii: ":"); n += 1
            two(secs % 60)
            if millis != 0 {
                let m = Int(millis)
                buffer[n] = UInt8(ascii: "."); buffer[n + 1] = UInt8(48 + m / 100)
                buffer[n + 2] = UInt8(48 + m / 10 % 10); buffer[n + 3] = UInt8(48 + m % 10); n += 4
            }
            buffer[n] = UInt8(ascii: "Z"); n += 1
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<n]), as: UTF8.self)
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (also a space or lower-case t/z).
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        guard s.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var n = 0
            for b in s[from..<from + len] {
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let y = num(0, 4), s[4] == 45, let mo = num(5, 2), s[7] == 45, let d = num(8, 2),
              [84, 116, 32].contains(s[10]), let h = num(11, 2), s[13] == 58, let mi = num(14, 2),
              s[16] == 58, let sec = num(17, 2),
              let date = LocalDate(year: y, month: mo, day: d), h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19
        var millis = 0
        if i < s.count, s[i] == 46 {
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(s[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        guard i < s.count else { return nil }
        var offset = 0
        if s[i] == 90 || s[i] == 122 {
            i += 1
        } else if s[i] == 43 || s[i] == 45 {
            guard let oh = num(i + 1, 2), s.count > i + 3, s[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (s[i] == 45 ? -1 : 1)
            i += 6
        } else { return nil }
        guard i == s.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + sec) - Int64(offset)
        return Date(unixMilliseconds: seconds * 1000 + Int64(millis))
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
