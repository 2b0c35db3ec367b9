import Foundation
import RepositoryFiles
import Testing

/// SQL must get its values from bound parameters (`?`), never from text pasted into the
/// statement. This scans every Swift file under Sources/ for string literals that read as SQL
/// and contain an interpolation `\(…)` or are glued to something with `+`, and fails naming
/// file:line for each one that is not a known constant.
@Suite struct SQLSourceScanTests {
    /// Interpolations allowed inside SQL, by their exact expression text, each with why it
    /// cannot carry a value from outside. Only constants: column lists, pragma settings.
    static let allowed: [String: String] = [
        "Self.voucherColumns": "static let column list in LedgerStore",
        "LedgerStore.voucherColumns": "static let column list in LedgerStore",
        "Self.entryColumns": "static let column list in LedgerStore",
        "Self.holderColumns": "static let column list in LedgerStore",
        "Self.voucherEntryIDs": "static let recursive query of LedgerStore (a voucher's entry ids); its voucher is bound as ?1",
        "Self.decisionColumns": "static let column list in PolicyStore",
        "Self.decisionColumns.replacingOccurrences(of: \"id, voucher_id\", with: \"voucher_id\")":
            "the static column list minus its id column, both literals",
        "Self.columns": "static let column list of OutboxStore",
        "Self.fitsVoucher": "static let condition of OutboxStore (\"still fits its voucher\"); its value is bound as ?",
        "Self.heldUnderClaim": "static let condition of OutboxStore (\"still held under this claim\"); its values are bound as ?",
        "cols": "Ledger.list: LedgerStore.voucherColumns, each prefixed with the literal 'v.'",
        "whereSQL": "Ledger.list: 'WHERE ' + clauses, and every clause is a literal with ? placeholders",
        "known": "Migrations: PRAGMA user_version takes no parameter; an Int counted from the migration list",
        "options.durable ? \"FULL\" : \"NORMAL\"": "PRAGMA synchronous takes no parameter; one of two literals",
        "Database.applicationID": "PRAGMA application_id takes no parameter; a static Int32 constant",
        "previousCacheSize": "Import: PRAGMA cache_size takes no parameter; an Int64 read back from PRAGMA cache_size",
        "synchronous": "withRollbackJournal: PRAGMA synchronous takes no parameter; an Int64 read back from PRAGMA synchronous",
        "LedgerStore.entryColumnList": "static let column list of entries in LedgerStore (bulk import)",
        "Self.caseColumns": "static let column list of support_cases in SupportService",
        "walLimit": "GoodwillAPI: PRAGMA journal_size_limit takes no parameter; an Int64 computed from a constant and PRAGMA page_size",
        "index.name": "VoucherImport: DROP INDEX takes no parameter; the names are read from sqlite_master (our own secondary indexes)",
        "tableName": "Database.holdsOnlyWhatOpeningWrites: a table name read from sqlite_schema, quoted as an identifier (a FROM clause takes no parameter)",
    ]

    /// `"SQL literal" + expression` allowed, by the expression's text.
    static let allowedConcatenations: [String: String] = [
        "clauses.joined(separator: \" AND \")": "Ledger.list: every clause is a literal with ? placeholders",
    ]

    struct Finding: CustomStringConvertible {
        var file: String
        var line: Int
        var expression: String
        var description: String { "\(file):\(line): SQL built from `\(expression)`; bind it as a ? parameter" }
    }

    @Test func sourcesBuildSQLOnlyFromBoundParameters() throws {
        let sources = Self.packageRoot().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 50, "the scan found the sources")
        var findings: [Finding] = []
        var sqlLiterals = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let relative = file.path.replacingOccurrences(of: Self.packageRoot().path + "/", with: "")
            let result = Self.scan(text, file: relative)
            findings += result.findings
            sqlLiterals += result.sqlLiterals
        }
        #expect(sqlLiterals > 30, "the scanner recognises the SQL in Sources/ (found \(sqlLiterals) literals)")
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func theScanner_catchesValuesPastedIntoSQL() {
        let source = #"""
        let a = try db.run("SELECT * FROM vouchers WHERE code = '\(code)'")
        let b = try db.query("""
            UPDATE holders SET name = \(name.uppercased()) WHERE id = ?
            """, [])
        let c = "DELETE FROM entries WHERE id = " + id
        let d = "Hello \(name), your voucher FROM us"  // prose: "FROM" alone is not SQL
        let e = try db.run("SELECT \(Self.columns) FROM t WHERE id = ?", [.integer(1)])
        """#
        let findings = Self.scan(source, file: "X.swift").findings
        #expect(findings.map(\.expression) == ["code", "name.uppercased()", "id"])
        #expect(findings.map(\.line) == [1, 3, 5])
    }

    // MARK: - The scanner

    /// A literal reads as SQL when it starts with a statement keyword or has two clause keywords.
    static func looksLikeSQL(_ literal: String) -> Bool {
        let trimmed = literal.trimmingCharacters(in: .whitespacesAndNewlines)
        let statements = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "REPLACE ", "CREATE ", "DROP ", "ALTER ", "PRAGMA ", "WITH "]
        if statements.contains(where: { trimmed.hasPrefix($0) }) { return true }
        let clauses = [" FROM ", " WHERE ", " VALUES ", " SET ", " JOIN ", " ORDER BY ", " LIMIT ", "WHERE "]
        return clauses.filter { " \(trimmed) ".contains($0) }.count >= 2
    }

    static func scan(_ text: String, file: String) -> (findings: [Finding], sqlLiterals: Int) {
        let c = Array(text.unicodeScalars)
        var findings: [Finding] = []
        var sqlLiterals = 0
        var i = 0, line = 1

        func at(_ k: Int, _ s: String) -> Bool {
            let u = Array(s.unicodeScalars)
            guard k + u.count <= c.count else { return false }
            return Array(c[k..<k + u.count]) == u
        }
        /// Reads a literal starting at `i` (on its opening quote); returns its text with
        /// interpolations replaced by a placeholder, and the interpolations with their lines.
        func literal() -> (text: String, parts: [(String, Int)]) {
            let multi = at(i, "\"\"\"")
            i += multi ? 3 : 1
            var out = "", parts: [(String, Int)] = []
            while i < c.count {
                if c[i] == "\n" { line += 1 }
                if multi ? at(i, "\"\"\"") : c[i] == "\"" { i += multi ? 3 : 1; break }
                if c[i] == "\\" && i + 1 < c.count && c[i + 1] == "(" {
                    let startLine = line
                    i += 2
                    var depth = 1, expr = ""
                    while i < c.count && depth > 0 {
                        if c[i] == "\"" {
                            // A string inside the interpolation: copy it whole.
                            expr.unicodeScalars.append(c[i]); i += 1
                            while i < c.count && c[i] != "\"" {
                                if c[i] == "\\" { expr.unicodeScalars.append(c[i]); i += 1 }
                                if i < c.count { expr.unicodeScalars.append(c[i]); i += 1 }
                            }
                            if i < c.count { expr.unicodeScalars.append(c[i]); i += 1 }
                            continue
                        }
                        if c[i] == "(" { depth += 1 }
                        if c[i] == ")" { depth -= 1; if depth == 0 { i += 1; break } }
                        if c[i] == "\n" { line += 1 }
                        expr.unicodeScalars.append(c[i]); i += 1
                    }
                    parts.append((expr.trimmingCharacters(in: .whitespaces), startLine))
                    out += "?"
                    continue
                }
                if c[i] == "\\" && i + 1 < c.count { out.unicodeScalars.append(c[i]); i += 1 }
                out.unicodeScalars.append(c[i]); i += 1
            }
            return (out, parts)
        }

        while i < c.count {
            if at(i, "//") { while i < c.count && c[i] != "\n" { i += 1 }; continue }
            if at(i, "/*") { while i < c.count && !at(i, "*/") { if c[i] == "\n" { line += 1 }; i += 1 }; i += 2; continue }
            if c[i] == "\n" { line += 1; i += 1; continue }
            if c[i] == "#" && at(i + 1, "\"") { i += 1; continue }  // raw string opener: read as a normal one
            guard c[i] == "\"" else { i += 1; continue }
            let (body, parts) = literal()
            guard looksLikeSQL(body) else { continue }
            sqlLiterals += 1
            for (expr, exprLine) in parts where allowed[expr] == nil {
                findings.append(Finding(file: file, line: exprLine, expression: expr))
            }
            // `"… WHERE x = " + value`: the rest of the line after a + is what gets glued on.
            var k = i
            while k < c.count && (c[k] == " " || c[k] == "\t") { k += 1 }
            if k < c.count && c[k] == "+" {
                var rest = ""
                k += 1
                while k < c.count && c[k] != "\n" { rest.unicodeScalars.append(c[k]); k += 1 }
                let expr = rest.trimmingCharacters(in: .whitespaces)
                if !expr.hasPrefix("\"") && allowedConcatenations[expr] == nil {
                    findings.append(Finding(file: file, line: line, expression: expr))
                }
            }
        }
        return (findings, sqlLiterals)
    }

    static func packageRoot() -> URL { Repository.root }
}
