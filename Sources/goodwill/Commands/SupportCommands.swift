import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import Reminders
import Support

/// `goodwill holder …`, `goodwill case …`, `goodwill report …`: support and finance.
enum SupportCommands {
    static let holderArg = Argument("holder", help: "The holder's email address or ID (hld_…).")
    static let format = Option("format", valueName: "format", help: "table (default), csv or json. --json means json.",
                               allowedValues: ["table", "csv", "json"])
    /// For a CSV opened in Excel by a double click, which reads a file without a byte-order mark in
    /// the machine's code page ("Åsa" shows as "Ã…sa").
    static let bom = Flag("bom", help: "With --format csv: start with a UTF-8 byte-order mark, so Excel opened by a double click shows Åsa as Åsa.")
    /// For Excel where the comma is the decimal separator (Swedish, Danish, German, French…): it
    /// splits a CSV opened by a double click at semicolons, and reads 1234,50 as a number.
    static let separator = Option("separator", valueName: "separator",
                                  help: "With --format csv: comma (the default) or semicolon; semicolon writes amounts and percents with a decimal comma (1234,50), as Excel reads CSV where the comma is the decimal separator (Swedish, Danish, German, French settings).",
                                  allowedValues: CSVSeparator.allCases.map(\.rawValue))

    /// The `--separator` given (the parser has checked it against `CSVSeparator`), or a comma.
    static func separator(_ c: CLIContext) -> CSVSeparator {
        c.value("separator").flatMap(CSVSeparator.init(rawValue:)) ?? .comma
    }

    static var commands: [Command] {
        [
            Command("holder", abstract: "A holder at a glance: profile, vouchers, timeline; notes, search, and a graceful exit.", subcommands: [
                Command("show", abstract: "Everything known about a holder: profile, vouchers, and one timeline, newest first.",
                        arguments: [Argument("holder", help: "The holder's email address or ID (hld_…).")]),
                Command("search", abstract: "Find holders by part of an email or name, or by a voucher code.",
                        arguments: [Argument("text", help: "What to look for.")],
                        options: [Option("limit", valueName: "n", help: "At most this many, \(Parse.range(SupportService.holderSearchLimit)).", default: "50")]),
                Command("close", abstract: "A holder leaves: refund what the law or your terms allow, drop reminders, say goodbye, erase on request.",
                        discussion: "Each remaining balance is refunded where the jurisdiction's cash-out rule allows (or every one with --refund-all), recorded as a refunded entry with the payout reference; every other voucher's fate is said plainly. Pending reminders are dropped and one farewell goes out in the holder's language at the next 'goodwill reminders run'. With --erase, names, emails, gift messages and notes are replaced by a pseudonym; the ledger's amounts stay and 'goodwill verify' still passes. All in one transaction; running it again reports that the holder is already closed.",
                        arguments: [holderArg],
                        options: [Option("payout-reference", valueName: "ref", help: "The payout's reference (bank transfer or payment id); needed when anything is refunded, and one no earlier close was given."),
                                  ReminderCommands.messages],
                        flags: [Flag("erase", help: "Also erase personal data, replacing it with a pseudonym."),
                                Flag("refund-all", help: "Your terms refund every remaining balance on closing, beyond what the law requires.")]),
                Command("note", abstract: "Write a support note on a holder's record.",
                        arguments: [holderArg, Argument("text", help: "The note.", repeating: true)]),
            ]),
            Command("case", abstract: "Support cases: an open case is a fact the goodwill policy sees.", subcommands: [
                Command("open", abstract: "Open a case for a holder.",
                        arguments: [holderArg, Argument("subject", help: "What it is about.", repeating: true)]),
                Command("close", abstract: "Close a case with its resolution.",
                        arguments: [Argument("id", help: "The case number (see 'goodwill holder show')."),
                                    Argument("resolution", help: "How it was resolved.", repeating: true)]),
            ]),
            Command("report", abstract: "Finance reports: liability, expiring, breakage, goodwill, redemption, reconciliation, ageing, redemption curves, and a roll-forward over a period.",
                    discussion: "Amounts in table and CSV output are in the currency's unit (1234.50); JSON gives minor units with the currency, like every other Goodwill JSON. CSV is the table alone, each row followed by what the report's title and footer say of the whole report: as_of (and the period, balanced, or the referred and denied counts, where the report has them; a goodwill report with nothing granted has one total row of no extensions, with no currency or amounts, to carry its counts); liability and breakage rows also carry the part of their month still claimable as payout (payout_claimable_vouchers, payout_claimable_amount); the rest of the footer is in JSON. In CSV, a rule's or agent's name that starts with = + - @, a tab or a carriage return is written with a leading ' so a spreadsheet shows it as text, not a formula; amounts, negative ones too, are written as they are. --bom starts the CSV with a UTF-8 byte-order mark for Excel; --separator semicolon separates it by semicolons with decimal commas (1234,50), for Excel where the comma is the decimal separator.",
                    subcommands: [
                Command("liability", abstract: "Outstanding liability: live balances by currency and by month of expiry.", options: [format, separator], flags: [bom]),
                Command("expiring", abstract: "Count and value expiring in the next N days.", options: [
                    format, separator, Option("days", valueName: "n", help: "How many days ahead, \(Parse.range(SupportService.expiringReportDays)).", default: "30")], flags: [bom]),
                Command("breakage", abstract: "Value that expired unredeemed, by month.", options: [format, separator], flags: [bom]),
                Command("goodwill", abstract: "Extensions by rule and by agent, value kept alive, how much came back, overrides.", options: [format, separator], flags: [bom]),
                Command("redemption", abstract: "Share of issued value redeemed, by issue month (cohorts).", options: [format, separator], flags: [bom]),
                Command("reconciliation", abstract: "Check: liability + redeemed + refunded + breakage = issued + adjusted − voided. Exit 1 when it does not.",
                        options: [format, separator], flags: [bom]),
                Command("ageing", abstract: "Outstanding liability by days to expiry (0-30, 31-90, 91-180, 181-365, over 365, none) and by issue month.",
                        options: [format, separator], flags: [bom]),
                Command("curves", abstract: "Redemption curves: the share of each issue-month cohort's value redeemed by the end of each month since issue.",
                        discussion: "Table and CSV show months 0 (the issue month), 1, 2, 3, 6, 12, 18, 24 and 36, and now; JSON has every month. Months are counted in each voucher's zone.",
                        options: [format, separator], flags: [bom]),
                Command("rollforward", abstract: "Liability roll-forward over a period: opening + issued + redeemed + … + breakage + reinstated = closing. Exit 1 when it does not balance.",
                        discussion: "The period opens at the start of --from and closes at the end of --to (both days included), in --time-zone, UTC unless you name another: --from 2026-01-01 --to 2026-03-31 runs from 2026-01-01T00:00:00Z to 2026-04-01T00:00:00Z. A period that has not ended closes now. Two periods that meet (--to 2026-01-31, then --from 2026-02-01) chain: the closing of the first is the opening of the second. Opening and closing are each computed from the vouchers' state at that instant, replayed from the ledger; flows are signed as they move the liability. The ledger records no escheat, so the report shows none and says so.",
                        options: [format,
                                  Option("from", valueName: "YYYY-MM-DD", help: "The period's first day.", required: true),
                                  Option("to", valueName: "YYYY-MM-DD", help: "The period's last day, included.", required: true),
                                  Option("time-zone", valueName: "zone", help: "The IANA zone the days begin and end in.", default: SupportService.periodDefaultZone),
                                  separator],
                        flags: [bom]),
            ]),
        ]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        var h: [[String]: (CLIContext) throws -> Int32] = [
            ["holder", "show"]: show, ["holder", "search"]: search, ["holder", "note"]: note, ["holder", "close"]: close,
            ["case", "open"]: openCase, ["case", "close"]: closeCase,
        ]
        for name in ReportName.asOfNow { h[["report", name.rawValue]] = { try report($0, name) } }
        h[["report", ReportName.rollforward.rawValue]] = rollForward
        return h
    }

    /// `reading`: for a command that only reads (`CLIContext.readLedger`).
    static func service(_ c: CLIContext, reading: Bool = false) throws -> SupportService {
        SupportService(ledger: try reading ? c.readLedger() : c.openLedger())
    }

    static func words(_ c: CLIContext, _ name: String) -> String { c.invocation.arguments(name).joined(separator: " ") }

    // MARK: Holder

    static func show(_ c: CLIContext) throws -> Int32 {
        let support = try service(c, reading: true)
        let view = try support.holderView(try c.required("holder"))
        try c.emit(view, text: text(view, zone: support.localZone(of: view)))
        return 0
    }

    /// `2026-10-09 08:20`: an instant as the wall clock in `zone` showed it.
    static func localTime(_ rfc3339: String, _ zone: ZonedCalendar) -> String {
        guard let at = RFC3339.parse(rfc3339) else { return rfc3339 }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(zone.localDate(of: at).isoString) \(two(zone.hour(of: at))):\(two(zone.minute(of: at)))"
    }

    /// Times and days in the holder's zone, which the timeline's header names.
    static func text(_ v: HolderView, zone: ZonedCalendar) -> String {
        let p = v.profile
        var out = Output.fields([
            ("Holder", p.name ?? "(no name)"), ("Email", p.email), ("ID", p.id), ("Language", p.locale), ("Time zone", p.timeZone),
            ("Customer since", "\(RFC3339.parse(p.firstSeen).map { zone.localDate(of: $0).isoString } ?? String(p.firstSeen.prefix(10))) (\(p.tenure))"), ("Closed", p.closedAt), ("Erased", p.erasedAt),
            ("Open cases", v.openCases.isEmpty ? "none" : v.openCases.map { "#\($0.id) \($0.subject)" }.joined(separator: "; ")),
        ])
        out += "\n\nVouchers (\(v.vouchers.count)):\n"
        out += v.vouchers.isEmpty ? "  none" : Output.table(["CODE", "ROLE", "STATUS", "BALANCE", "VALID THROUGH", "WHAT"], v.vouchers.map {
            [$0.voucher.code, $0.role, $0.voucher.status.rawValue, "\($0.voucher.balance) of \($0.voucher.value)",
             $0.voucher.lastValidDay ?? "no expiry", $0.voucher.experience ?? $0.voucher.kind.rawValue]
        }) + Render.payoutLines(v.vouchers.map(\.voucher))
        out += "\n\nTimeline, newest first (\(Plural.count(v.timeline.count, "event")); times in \(zone.identifier)):\n"
        out += Output.table(["WHEN", "VOUCHER", "WHAT"], v.timeline.map { [localTime($0.at, zone), $0.voucherCode ?? "", $0.summary] })
        return out
    }

    static func search(_ c: CLIContext) throws -> Int32 {
        let limit = try Parse.wholeNumber(c.value("limit") ?? "50", option: "limit", in: SupportService.holderSearchLimit, example: 20)
        let matches = try service(c, reading: true).searchHolders(try c.required("text"), limit: limit)
        try c.emit(matches, text: matches.isEmpty ? "No holder matches." : Output.table(["ID", "NAME", "EMAIL", "SINCE", "VOUCHERS", "MATCHED"], matches.map {
            [$0.id, $0.name ?? "", $0.email ?? "", String($0.firstSeen.prefix(10)), String($0.vouchers), $0.matched]
        }))
        return 0
    }

    static func note(_ c: CLIContext) throws -> Int32 {
        let n = try service(c).addNote(holder: try c.required("holder"), text: words(c, "text"), author: c.actor)
        try c.emit(n, text: "Note \(n.id) added to \(n.holderID).")
        return 0
    }

    static func openCase(_ c: CLIContext) throws -> Int32 {
        let k = try service(c).openCase(holder: try c.required("holder"), subject: words(c, "subject"), actor: c.actor)
        try c.emit(k, text: "Case \(k.id) opened for \(k.holderID): \(k.subject)\nWhile it is open, the goodwill policy sees an open support case for this holder.")
        return 0
    }

    static func closeCase(_ c: CLIContext) throws -> Int32 {
        let idText = try c.required("id")
        guard let id = Int64(idText.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
            throw CLIError.usage("'\(idText)' is not a case number; give the number shown by 'goodwill holder show', like 12.")
        }
        let k = try service(c).closeCase(id, resolution: words(c, "resolution"), actor: c.actor)
        try c.emit(k, text: "Case \(k.id) closed: \(k.resolution ?? "")")
        return 0
    }

    static func close(_ c: CLIContext) throws -> Int32 {
        let catalog = try ReminderCommands.messagesDirectory(c).map { dir throws(TemplateError) in try MessageCatalog.load(directory: dir) }
        let support = SupportService(ledger: try c.openLedger(), catalog: catalog)
        let result = try support.close(CloseRequest(holder: try c.required("holder"), erase: c.flag("erase"),
                                                    payoutReference: c.value("payout-reference"), refundAll: c.flag("refund-all")), actor: c.actor)
        try c.emit(result, text: text(result))
        return 0
    }

    static func text(_ r: CloseResult) -> String {
        var lines: [String] = []
        if r.alreadyClosed {
            // An erasure that close was not asked for is the one thing a second run does.
            let now = r.erasedNow ? "personal data erased now" : "nothing was changed this time"
            lines.append("Already closed on \(r.closedAt) by \(r.closedBy); \(now). What was done then:")
        } else {
            lines.append("Closed \(r.holderID).")
        }
        for v in r.vouchers { lines.append("  \(v.code): \(v.explanation)") }
        if !r.refunded.isEmpty {
            lines.append("Refunded: " + r.refunded.map { "\($0.amount) (\(Plural.count($0.vouchers, "voucher")))" }.joined(separator: ", ")
                         + (r.payoutReference.map { " — payout reference \($0)" } ?? ""))
        }
        lines.append("Reminders dropped: \(r.remindersDropped).")
        if let f = r.farewell, r.alreadyClosed {
            // Written at that close; where it is now.
            let now = switch f.status {
            case "sent": "was sent" + (f.sentAt.map { " on \($0)" } ?? "") + "."
            case "failed": "could not be delivered and was given up (see 'goodwill reminders list --failed')."
            case "cancelled": "was dropped before it went out."
            default: "has not gone out yet; it goes out at the next 'goodwill reminders run'."
            }
            lines.append("Farewell (\(f.language)) \(f.messageID) \(now)")
        } else if let f = r.farewell {
            lines.append("Farewell (\(f.language)) queued as \(f.messageID); it goes out at the next 'goodwill reminders run'.")
        } else {
            lines.append("No farewell: there is no email address on file.")
        }
        if r.erased { lines.append("Personal data erased; the holder is now \"\(r.pseudonym ?? "")\". The ledger's amounts stay, and 'goodwill verify' still passes.") }
        return lines.joined(separator: "\n")
    }

    // MARK: Reports

    static func report(_ c: CLIContext, _ name: ReportName) throws -> Int32 {
        try checkCSVOptions(c)
        var days = 30
        if name == .expiring {
            days = try Parse.wholeNumber(c.value("days") ?? "30", option: "days", in: SupportService.expiringReportDays, of: "days", example: 30)
        }
        return try emitReport(try service(c, reading: true).report(name, days: days), c)
    }

    /// `report rollforward --from DAY --to DAY [--time-zone ZONE]`.
    static func rollForward(_ c: CLIContext) throws -> Int32 {
        try checkCSVOptions(c)
        // Both are required options: the parser refuses a line without them, naming the one missing.
        func day(_ name: String) throws -> LocalDate {
            let text = try c.required(name)
            guard let d = LocalDate(iso: text) else {
                throw CLIError.usage("--\(name) takes a day as YYYY-MM-DD, like 2026-01-31; got '\(text)'.")
            }
            return d
        }
        let from = try day("from"), to = try day("to")
        return try emitReport(try service(c, reading: true).rollForwardReport(from: from, to: to, timeZone: c.value("time-zone") ?? SupportService.periodDefaultZone), c)
    }

    /// `--bom` marks a CSV file; a table or JSON with it would start with a stray character.
    /// `--separator` says how a CSV is separated; a table or JSON has no separator to set.
    static func checkCSVOptions(_ c: CLIContext) throws {
        let csv = !c.json && c.value("format") == "csv"
        if c.flag("bom") && !csv {
            throw CLIError.usage("--bom goes with --format csv (it marks a CSV file as UTF-8 for Excel); add --format csv or leave --bom out.")
        }
        if c.value("separator") != nil && !csv {
            throw CLIError.usage("--separator goes with --format csv (it says what separates the CSV's fields); add --format csv or leave --separator out.")
        }
    }

    /// Prints a report as the --format asks; exit 1 for a check that does not balance.
    static func emitReport(_ report: any TabularReport, _ c: CLIContext) throws -> Int32 {
        let format = c.json ? "json" : (c.value("format") ?? "table")
        switch format {
        case "json": try c.print(try Output.json(report))
        // Written as it is: it ends in CRLF already, which `print` (looking for "\n", a different
        // Character from "\r\n") would follow with a stray LF, a blank last row in a spreadsheet.
        case "csv":
            try Output.standardOutput((c.flag("bom") ? CSV.byteOrderMark : "") + report.table.csv(separator: separator(c)))
        default:
            let t = report.table
            var text = t.title + "\n\n" + (t.rows.isEmpty ? "(nothing)" : Output.table(t.header.map { $0.uppercased() }, t.rows))
            if !t.footer.isEmpty { text += "\n\n" + t.footer.joined(separator: "\n") }
            try c.print(text)
        }
        if let r = report as? ReconciliationReport, !r.balanced { return 1 }
        if let r = report as? RollForwardReport, !r.balanced { return 1 }
        return 0
    }
}
