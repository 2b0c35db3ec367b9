import Foundation
import GoodwillCore
import Ledger
import Store

/// `goodwill export entries|vouchers --format csv|jsonl`: the ledger for accounting systems, one
/// row at a time to `write`, so an export of millions never sits in memory. Amounts are in minor
/// units with the currency beside them (no rounding anywhere). Holders appear by ID only. In CSV,
/// the free-text columns (entries: actor, reason, reference; vouchers: experience) are written
/// `CSV.guarded`, so a spreadsheet shows `=HYPERLINK(…)` as text; JSON lines are written as stored.
/// CSV is separated by commas, or by semicolons for Excel where the comma is the decimal separator;
/// the cells are the same either way (amounts are whole minor units, times RFC 3339: no cell has a
/// decimal mark to change), quoted where they hold the separator.
public enum ExportFormat: String, Sendable, CaseIterable { case csv, jsonl }
public enum ExportTable: String, Sendable, CaseIterable { case entries, vouchers }

extension SupportService {
    public static let entryExportColumns = ["id", "at", "voucher_id", "code", "kind", "amount", "balance_after", "currency", "actor",
                                            "reason", "reference", "related_entry_id", "last_valid_day_after", "status_after", "decision_id", "hash"]
    public static let voucherExportColumns = ["id", "code", "status", "value", "balance", "currency", "issued_at", "last_valid_day",
                                              "expires_at", "time_zone", "holder_id", "purchaser_id", "kind", "experience", "issuer"]
    /// Text that comes from outside: API key names and `cli:` users, reasons and references people
    /// type, the experience a voucher was sold for. The issuer is the operator's configured name.
    public static let entryExportCSV = CSVColumns(entryExportColumns, text: ["actor", "reason", "reference"])
    public static let voucherExportCSV = CSVColumns(voucherExportColumns, text: ["experience"])

    /// Returns the number of rows written.
    @discardableResult
    public func export(_ table: ExportTable, format: ExportFormat, separator: CSVSeparator = .comma,
                       write: (String) throws -> Void) throws -> Int {
        var count = 0
        var csv = table == .entries ? Self.entryExportCSV : Self.voucherExportCSV
        csv.separator = separator
        let columns = csv.names
        if format == .csv { try write(csv.header) }
        func emit(_ values: [String?], numeric: Set<Int>) throws {
            count += 1
            if format == .csv { try write(csv.line(values.map { $0 ?? "" })); return }
            var out = "{"
            for (i, name) in columns.enumerated() {
                if i > 0 { out += "," }
                out += "\"\(name)\":"
                if let v = values[i] { out += numeric.contains(i) ? v : JSONString.quoted(v) } else { out += "null" }
            }
            try write(out + "}\n")
        }
        try db.readTransaction {
            switch table {
            case .entries:
                try db.forEach("""
                    SELECT e.id, e.at, e.voucher_id, v.code, e.kind, e.amount, e.balance_after, e.currency, e.actor, e.reason, e.reference,
                           e.related_entry_id, e.last_valid_day_after, e.status_after, e.decision_id, lower(hex(e.hash))
                    FROM entries e JOIN vouchers v ON v.id = e.voucher_id ORDER BY e.id
                    """) { r in
                    try emit([String(r.int64(0)), RFC3339.format(Date(unixMilliseconds: r.int64(1))), r.text(2), r.text(3), r.text(4),
                              String(r.int64(5)), String(r.int64(6)), r.text(7), r.text(8), r.optionalText(9), r.optionalText(10),
                              r.optionalInt64(11).map(String.init), r.optionalText(12), r.text(13), r.optionalInt64(14).map(String.init),
                              r.text(15)], numeric: [0, 5, 6, 11, 14])
                }
            case .vouchers:
                try db.forEach("""
                    SELECT id, code, status, value, balance, currency, issued_at, last_valid_day, expires_at, time_zone, holder_id,
                           purchaser_id, kind, experience, issuer FROM vouchers ORDER BY seq
                    """) { r in
                    try emit([r.text(0), r.text(1), r.text(2), String(r.int64(3)), String(r.int64(4)), r.text(5),
                              RFC3339.format(Date(unixMilliseconds: r.int64(6))), r.optionalText(7),
                              r.optionalInt64(8).map { RFC3339.format(Date(unixMilliseconds: $0)) }, r.text(9), r.optionalText(10),
                              r.optionalText(11), r.text(12), r.optionalText(13), r.text(14)], numeric: [3, 4])
                }
            }
        }
        return count
    }
}
