import Foundation
import RepositoryFiles
import Testing

/// Since migration 13, `entries_voucher` holds every entry but redemptions, and SQLite uses a
/// partial index only when the query names the index's own term (`kind <> 'redeemed'`; a
/// `kind = 'extended'` alone does not imply it: https://sqlite.org/partialindex.html). A query
/// for a voucher's entries without it reads the whole entries table for every call. This scans
/// Sources/ for SQL that selects entries by voucher and fails naming file:line where it lacks the
/// term (the full listing follows the voucher's links instead: `LedgerStore.voucherEntryIDs`).
@Suite struct VoucherEntryQueryScanTests {
    static let byVoucher = try! NSRegularExpression(pattern: #"FROM entries(?: [a-z]+)?\s+WHERE\s+(?:[a-z]+\.)?voucher_id\s*="#)

    /// "file:line" of each query by voucher whose statement (up to the end of its literal) lacks the term.
    static func findings(in text: String, file: String) -> [String] {
        let ns = text as NSString
        return byVoucher.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            let rest = ns.substring(from: match.range.location)
            let end = [rest.range(of: "\"\"\""), rest.range(of: "\",")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
            guard !rest[..<end].contains("kind <> 'redeemed'") else { return nil }
            let line = ns.substring(to: match.range.location).filter { $0 == "\n" }.count + 1
            return "\(file):\(line)"
        }
    }

    @Test func everyQueryForAVouchersEntries_namesThePartialIndexTerm() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        var found: [String] = []
        var queries = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            queries += Self.byVoucher.numberOfMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
            found += Self.findings(in: text, file: file.lastPathComponent)
        }
        #expect(queries >= 6, "the scan finds the per-voucher queries (found \(queries))")
        #expect(found.isEmpty, "per-voucher entry queries without kind <> 'redeemed': \(found)")
    }

    @Test func theScanner_catchesAQueryWithoutTheTerm() {
        let source = #"""
        let a = try db.scalarInt("SELECT count(*) FROM entries WHERE voucher_id = ? AND kind = 'extended'", [])
        let b = try db.scalarInt("SELECT count(*) FROM entries WHERE voucher_id = ? AND kind <> 'redeemed' AND kind = 'extended'", [])
        let c = try db.query("""
            SELECT id FROM entries e
            WHERE e.voucher_id = ? ORDER BY id
            """, [])
        """#
        #expect(Self.findings(in: source, file: "X.swift") == ["X.swift:1", "X.swift:4"])
    }
}
