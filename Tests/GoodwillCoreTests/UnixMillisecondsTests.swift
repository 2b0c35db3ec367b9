import Foundation
import GoodwillCore
import Testing

/// Instants are stored and hashed as whole milliseconds since 1970; a Date made from a stored
/// value must give that same value back, or `goodwill verify` reports tampering on an untouched
/// ledger (2039-07-04T11:34:43.707Z was written as .706 and read back as .705).
struct UnixMillisecondsTests {
    static let edges: [Int64] = [
        0, 1, 999, 1_000, 978_307_200_000, 978_307_199_999, 978_307_200_001,
        2_147_483_647_000, 2_147_483_647_999, 2_193_392_083_707, 1_776_331_800_007,
        4_102_444_799_999, 253_402_300_799_999,
    ]

    @Test func aStoredMillisecond_comesBackUnchanged_atTheEdges() {
        for ms in Self.edges {
            #expect(Date(unixMilliseconds: ms).unixMilliseconds == ms, "\(ms)")
        }
    }

    @Test func aStoredMillisecond_comesBackUnchanged_from1970to2100() {
        var rng = SystemRandomNumberGenerator()
        var failures: [Int64] = []
        for _ in 0..<200_000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)
            if Date(unixMilliseconds: ms).unixMilliseconds != ms { failures.append(ms) }
        }
        // Every millisecond of one second each in 1970, 2001, 2038 and 2039.
        for start: Int64 in [0, 978_307_200_000, 2_147_483_647_000, 2_193_392_083_000] {
            for ms in start..<start + 1_000 where Date(unixMilliseconds: ms).unixMilliseconds != ms { failures.append(ms) }
        }
        #expect(failures.isEmpty, "\(failures.count) values changed, first \(failures.prefix(5))")
    }

    @Test func theReproducedInstant_isWrittenAsItWasGiven() {
        #expect(RFC3339.format(RFC3339.parse("2039-07-04T11:34:43.707Z")!) == "2039-07-04T11:34:43.707Z")
    }

    /// A clock's `now` between two milliseconds is stored as the earlier one: a stored time never
    /// lies after the instant it was read from.
    @Test func anInstantBetweenMilliseconds_isNeverRoundedUpPastIt() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)
            let whole = Date(unixMilliseconds: ms)
            for fraction in [0.000_001, 0.000_5, 0.5, 0.999, 0.999_999] {
                let date = whole.addingTimeInterval(fraction / 1000)
                guard date > whole else { continue }
                let stored = date.unixMilliseconds
                #expect(Date(unixMilliseconds: stored) <= date, "\(ms) + \(fraction) ms stored as \(stored)")
                #expect(stored == ms || (stored == ms + 1 && Date(unixMilliseconds: ms + 1) <= date),
                        "\(ms) + \(fraction) ms stored as \(stored)")
            }
        }
    }

    @Test func instantsBefore1970_stillFloor() {
        #expect(Date(unixMilliseconds: -1).unixMilliseconds == -1)
        #expect(Date(unixMilliseconds: -1_000).unixMilliseconds == -1_000)
        #expect(Date(unixMilliseconds: 0).addingTimeInterval(-0.0005).unixMilliseconds == -1)
    }
}
