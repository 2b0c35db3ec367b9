import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

/// Which B-tree pages a redemption writes. Every page a transaction changes is written whole to
/// the WAL, checksummed, synced and later copied into the database, so an index that moves an
/// entry to another page on every write costs a page per redemption. These tests read the page
/// numbers of the frames one transaction left in the WAL and name their B-trees with `dbstat`.
@Suite struct PageWriteTests {
    /// 3,000 vouchers of 500 SEK, each redeemed once by a different amount (1 to 3,000 öre), so
    /// the liability index and the ledger-flow index both span many pages; then an empty WAL.
    static func book() throws -> LedgerFixture {
        let f = try LedgerFixture()
        let issued = try f.ledger.performBatch((0..<3000).map { _ in
            (command: LedgerCommand.issue(IssueRequest(value: sek(500), validity: .months(12), timeZone: "Europe/Stockholm")),
             actor: "test", idempotencyKey: String?.none)
        }).map { try $0.get().voucher }
        _ = try f.ledger.performBatch(issued.enumerated().map { i, v in
            (command: LedgerCommand.redeem(.id(VoucherID(rawValue: v.id)), amount: Money(minorUnits: Int64(1 + i), currency: .sek), reference: nil),
             actor: "test", idempotencyKey: String?.none)
        }).map { try $0.get() }
        try f.ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(try framePages(f).isEmpty)
        return f
    }

    /// The page numbers of the frames now in the WAL file (RFC-like layout from
    /// https://sqlite.org/fileformat2.html#walformat: a 32-byte header, then frames of a 24-byte
    /// header, whose first 4 bytes are the page number, big-endian, and one page).
    static func framePages(_ f: LedgerFixture) throws -> [Int] {
        let wal = try Data(contentsOf: URL(fileURLWithPath: f.temp.path + "-wal"))
        guard wal.count >= 32 else { return [] }
        let bytes = [UInt8](wal)
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let pageSize = u32(8)
        var pages: [Int] = []
        var offset = 32
        while offset + 24 + pageSize <= bytes.count {
            pages.append(u32(offset))
            offset += 24 + pageSize
        }
        return pages
    }

    /// For each page written since the last checkpoint: the B-tree it belongs to.
    static func written(_ f: LedgerFixture) throws -> [(name: String, page: Int)] {
        var owner: [Int: String] = [:]
        try f.ledger.db.forEach("SELECT name, pageno FROM dbstat") { owner[$0.int(1)] = $0.text(0) }
        return Set(try framePages(f)).sorted().map { (owner[$0] ?? "?", $0) }
    }

    /// A partial redemption writes the voucher's row, the entry and its place in the ledger-flow
    /// index (both at the end), and nothing else: no report index on vouchers (migration 14) and no
    /// per-voucher entries index (migration 13). Any B-tree added to this list costs a page on
    /// every redemption in a batch.
    @Test func aRedemption_writesOnlyTheVoucherTheEntryAndTheFlowIndex() throws {
        let f = try Self.book()
        let middle = try #require(try f.ledger.db.scalarText("SELECT id FROM vouchers ORDER BY seq LIMIT 1 OFFSET 1500"))
        _ = try f.ledger.perform(.redeem(.id(VoucherID(rawValue: middle)), amount: sek(300), reference: nil), actor: "test")
        let written = try Self.written(f)
        #expect(Set(written.map(\.name)) == ["vouchers", "entries", "entries_kind"], "pages written: \(written)")
    }

    @Test func aRedemption_goesAtTheEndOfTheLedgerFlowIndex() throws {
        let f = try Self.book()
        let any = try #require(try f.ledger.db.scalarText("SELECT id FROM vouchers ORDER BY seq LIMIT 1"))
        // 300 SEK is more than any earlier redemption: an index ordered by amount would put the
        // entry at the start of the redemptions, in the middle of the index.
        _ = try f.ledger.perform(.redeem(.id(VoucherID(rawValue: any)), amount: sek(300), reference: nil), actor: "test")
        let flows = try Self.written(f).filter { $0.name == "entries_kind" }
        // Redemptions sort last by kind here ('issued' < 'redeemed'), so the end is the rightmost leaf.
        let rightmost = try #require(try f.ledger.db.queryOne("""
            SELECT pageno FROM dbstat WHERE name = 'entries_kind' AND pagetype = 'leaf' ORDER BY path DESC LIMIT 1
            """) { $0.int(0) })
        #expect(flows.map(\.page) == [rightmost], "ledger-flow index pages written: \(flows.map(\.page)), rightmost leaf \(rightmost)")
    }
}
