import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

/// The holder search reads fewer names than it did (SQLite passes on the printable-ASCII names
/// LIKE matches and every other one; the rest are not made Strings and folded) and stops once a
/// page of name matches is full. What it answers is what it answered when it folded every name.
@Suite struct HolderSearchTests {
    static let names: [String?] = [
        "Anna Berg", "ANNA LIND", "anna-karin Ek", "Hanna Nyström", "Åsa Öberg", "Asa Ek", "Æsa Holm", "Søren Ærø", "Soren Lund",
        "Zoë Adams", "Jörg 100%_off", "Back\\slash Bo", "Percent 50% Pia", "Under_score Ulf", "Ñandú Núñez", "Łukasz Łódź",
        "Đorđe Đukić", "Émile Zola", "emile zola", "ＡＮＮＡ Wide", "Anna 🎁 Gift", nil, "Bo", "Ann", "an",
    ] + (0..<240).map { "Anna Nr \(($0 * 7919) % 240)" } + (0..<60).map { "Björn \($0) Åberg" }

    static let queries = ["an", "AN", "anna", "nn", "åsa", "asa", "ASA", "æsa", "so", "sø", "rø", "søren", "0%", "50%", "r_", "k\\",
                          "\\s", "zoe", "zoë", "oë", "100%_", "berg", "åberg", "aberg", "emile", "ÉMILE", "lodz", "đo", "dorde",
                          "ñandu", "wide", "ＡＮ", "🎁 g", "gift", "nr 1", "zz", "bo", "björn 5"]

    /// The search as it was: every name read and folded, sorted, the first `limit` taken.
    func searchedAsBefore(_ f: SupportFixture, _ text: String, limit: Int) throws -> [String] {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let like = "%" + t.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        var out: [String] = []
        func add(_ id: String) { if !out.contains(id) { out.append(id) } }
        for id in try f.ledger.db.query("SELECT id FROM holders WHERE email_key LIKE ? ESCAPE '\\' ORDER BY email_key LIMIT ?",
                                        [.text(like), .integer(Int64(limit))], { $0.text(0) }) { add(id) }
        let wanted = SupportService.searchFolded(t)
        var names: [(name: String, id: String)] = []
        try f.ledger.db.forEach("SELECT name, id FROM holders WHERE name IS NOT NULL") { r in
            if SupportService.searchFolded(r.text(0)).contains(wanted) { names.append((r.text(0), r.text(1))) }
        }
        names.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        for n in names.prefix(limit) { add(n.id) }
        return Array(out.prefix(limit))
    }

    @Test func everyQueryAndLimit_findsWhatTheFullFoldFound() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        for (i, name) in Self.names.enumerated() {
            // IDs out of name order, and a few emails that match name queries too.
            let id = "hld_\(String((i * 104_729) % 100_003, radix: 36))"
            let email = i % 9 == 0 ? "anna\(i)@example.com" : "h\(i)@example.com"
            try f.ledger.db.run("INSERT INTO holders (id, email_key, email, name, first_seen_at) VALUES (?, ?, ?, ?, 0)",
                                [.text(id), .text(email), .text(email), name.map { .text($0) } ?? .null])
        }
        for q in Self.queries {
            for limit in [1, 2, 3, 5, 50, 500] {
                let found = try f.support.searchHolders(q, limit: limit).map(\.id)
                #expect(found == (try searchedAsBefore(f, q, limit: limit)), "q=\(q) limit=\(limit)")
            }
        }
        // Spot checks that the reference is not itself empty where it should find something.
        #expect(try f.support.searchHolders("asa").compactMap(\.name).contains("Åsa Öberg"))
        #expect(try f.support.searchHolders("anna", limit: 500).count > 240)
        #expect(try f.support.searchHolders("50%").compactMap(\.name) == ["Percent 50% Pia"])
    }
}
