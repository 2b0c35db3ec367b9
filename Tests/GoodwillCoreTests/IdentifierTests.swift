import Foundation
import Testing
@testable import GoodwillCore

struct IdentifierTests {
    func timeSymbols(_ ms: UInt64) -> String {
        var bytes: [UInt8] = []
        IdentifierTime.append(milliseconds: ms, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func timeSymbols_spellMilliseconds_mostSignificantFirst() {
        #expect(timeSymbols(0) == "000000000")
        #expect(timeSymbols(31) == "00000000z")
        #expect(timeSymbols(32) == "000000010")
        #expect(timeSymbols(1 << 45 - 1) == "zzzzzzzzz")
        // 2026-03-01T10:00:00Z
        #expect(timeSymbols(1_772_359_200_000) == "1kjmdeb80")
    }

    /// What the index locality rests on: a later millisecond spells a string that sorts later,
    /// across symbol boundaries too.
    @Test func laterMilliseconds_sortLater() {
        let instants: [UInt64] = [0, 1, 31, 32, 33, 1023, 1024, 1_772_359_199_999, 1_772_359_200_000, 4_102_444_800_000, 1 << 45 - 1]
        for (a, b) in zip(instants, instants.dropFirst()) {
            #expect(timeSymbols(a) < timeSymbols(b), "\(a) < \(b)")
        }
    }

    @Test func ids_carryTheMachinesTime_andSortInTheOrderTheyWereMade() throws {
        var rng = SystemRandomNumberGenerator()
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let first = VoucherID.generate()
        Thread.sleep(forTimeInterval: 0.003)
        let second = HolderID.generate(using: &rng)
        Thread.sleep(forTimeInterval: 0.003)
        let third = VoucherID.generate(using: &rng)
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(first.rawValue.dropFirst(4) < second.rawValue.dropFirst(4))
        #expect(second.rawValue.dropFirst(4) < third.rawValue.dropFirst(4))
        let time = String(first.rawValue.dropFirst(4).prefix(IdentifierTime.symbols))
        #expect(time >= timeSymbols(before) && time <= timeSymbols(after), "\(time) between \(before) and \(after)")
        for id in [first.rawValue, second.rawValue, third.rawValue] {
            #expect(id.count == 4 + IdentifierTime.symbols + 16)
        }
    }

    /// The random part is really random: 80 bits that differ between IDs made in the same
    /// millisecond, with every symbol of the alphabet in use.
    @Test func idsOfOneMillisecond_differInTheirRandomPart() {
        var rng = SystemRandomNumberGenerator()
        let ids = (0..<2000).map { i in i.isMultiple(of: 2) ? VoucherID.generate().rawValue : VoucherID.generate(using: &rng).rawValue }
        #expect(Set(ids).count == ids.count)
        let random = ids.map { $0.suffix(16) }
        #expect(Set(random).count == ids.count)
        #expect(Set(random.joined()).count == 32)
        #expect(ids.allSatisfy { VoucherID.parse($0) != nil })
    }

    @Test func idsMadeBeforeTheTimePart_stillParse() {
        #expect(VoucherID.parse("vch_0123456789abcdef") != nil)
        #expect(HolderID.parse("hld_0123456789abcdef") != nil)
    }
}
