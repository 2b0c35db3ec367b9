import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger

/// The ledger's commands: issue, look up, redeem, correct, verify.
enum LedgerCommands {
    static let idempotencyKey = Option("idempotency-key", valueName: "key",
        help: "Makes a retry safe: the same key and request give back the first result; the same key with another request is refused.")
    static let code = Argument("code", help: "The voucher's code (XXXX-XXXX-XXXX-XXXX-X; case, spaces and dashes do not matter) or its ID (vch_…).")
    static let reason = Option("reason", valueName: "text", help: "Why, in words a colleague will understand later.")

    static var commands: [Command] {
        [
            Command("init", abstract: "Create (or upgrade) the database.",
                    discussion: "Creates the database file if it does not exist and brings its schema up to date. issue, import, fixtures load, keys create, policy activate, policy jurisdiction CODE and serve do this too on first use; every other command refuses a database file that does not exist."),
            Command("issue", abstract: "Issue a new voucher.", options: [
                Option("amount", valueName: "amount", help: "Value in the currency's units, like 500 or 499.50; at most \(Money(minorUnits: Money.voucherLimitMinorUnits, currency: .sek).decimalString) in a currency with cents.", required: true),
                Option("currency", valueName: "code", help: "ISO 4217 currency code, like SEK, EUR, USD.", required: true),
                Option("valid-months", valueName: "n", help: "Valid for N calendar months from today, in the issuer's time zone, \(Parse.range(Validity.monthsRange)) (default: 12)."),
                Option("expires", valueName: "YYYY-MM-DD", help: "Valid through this local day instead."),
                Option("time-zone", valueName: "zone", help: "The issuer's IANA time zone (default: Europe/Stockholm)."),
                Option("holder-email", valueName: "email", help: "Who holds the voucher."),
                Option("holder-name", valueName: "name", help: "The holder's name."),
                Option("holder-locale", valueName: "tag", help: "The holder's language, like sv, en, da, nb, fi."),
                Option("purchaser-email", valueName: "email", help: "Who bought it, when it is a gift."),
                Option("purchaser-name", valueName: "name", help: "The purchaser's name."),
                Option("experience", valueName: "text", help: "What the voucher is for, like 'Rooftop walk for two'."),
                Option("message", valueName: "text", help: "The gift message."),
                Option("kind", valueName: "kind", help: "What the voucher is.", default: "gift_card", allowedValues: ["gift_card", "experience"]),
                idempotencyKey,
            ], flags: [Flag("no-expiry", help: "The voucher never expires.")]),
            Command("show", abstract: "Show one voucher.", arguments: [code]),
            Command("list", abstract: "List vouchers.", options: [
                Option("status", valueName: "status", help: "Only vouchers in this status.", allowedValues: VoucherStatus.allCases.map(\.rawValue)),
                Option("expiring-within", valueName: "days", help: "Only active vouchers expiring within this many days, \(Parse.range(VoucherFilter.expiringWithinDaysRange))."),
                Option("holder-email", valueName: "email", help: "Only this holder's vouchers."),
                Option("limit", valueName: "n", help: "At most this many.", default: "100"),
                Option("cursor", valueName: "cursor", help: "Continue after a previous page (its next_cursor)."),
            ]),
            Command("redeem", abstract: "Redeem part or all of a voucher's balance.", arguments: [code], options: [
                Option("amount", valueName: "amount", help: "How much, in the voucher's currency, like 100 or 99.50.", required: true),
                Option("reference", valueName: "text", help: "Your reference: a receipt or booking number."),
                idempotencyKey,
            ]),
            Command("reverse", abstract: "Reverse a redemption (once), putting its amount back.",
                    arguments: [Argument("entry-id", help: "The redemption's entry ID (see 'goodwill entries CODE').")],
                    options: [reason, idempotencyKey]),
            Command("void", abstract: "Void a voucher: it can no longer be used and its balance leaves the books.",
                    arguments: [code], options: [reason, idempotencyKey]),
            Command("block", abstract: "Block a voucher until the reason is cleared.", arguments: [code], options: [reason, idempotencyKey]),
            Command("unblock", abstract: "Unblock a blocked voucher.", arguments: [code], options: [reason, idempotencyKey]),
            Command("adjust", abstract: "Correct a voucher's balance up or down (admin), with a reason.", arguments: [code], options: [
                Option("amount", valueName: "amount", help: "Signed change, like 50 or -20.", required: true),
                Option("reason", valueName: "text", help: "Why the correction is needed.", required: true),
                idempotencyKey,
            ]),
            Command("refund", abstract: "Pay back a voucher's remaining balance.", arguments: [code], options: [
                Option("reference", valueName: "ref", help: "The payout's reference in your payment system."),
                reason, idempotencyKey,
            ]),
            Command("entries", abstract: "List a voucher's ledger entries, oldest first.", arguments: [code]),
            Command("expire-sweep", abstract: "Record an expired entry for every voucher whose last valid day has passed."),
            Command("verify", abstract: "Replay the whole ledger and prove every voucher matches its entries.",
                    discussion: "Checks the hash chain over all entries, each entry's arithmetic, and every voucher row against the state its entries lead to. Exits 1 naming the first discrepancy."),
        ]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        [
            ["init"]: initialize, ["issue"]: issue, ["show"]: show, ["list"]: list, ["redeem"]: redeem,
            ["reverse"]: reverse, ["void"]: void, ["block"]: block, ["unblock"]: unblock, ["adjust"]: adjust,
            ["refund"]: refund, ["entries"]: entries, ["expire-sweep"]: expireSweep, ["verify"]: verify,
        ]
    }

    // MARK: Handlers

    static func initialize(_ c: CLIContext) throws -> Int32 {
        let path = try c.databasePath
        // An empty file (`: > goodwill.db`) is no database: opening it makes a new one there.
        let existed = DatabaseFiles.size(of: path) > 0
        let ledger = try c.createOrOpenLedger()
        try c.emit(["database": path, "created": existed ? "false" : "true"],
                   text: existed ? "The Goodwill database at \(ledger.db.path) is ready (schema up to date)."
                                 : "Created a Goodwill database at \(ledger.db.path).")
        return 0
    }

    static func issue(_ c: CLIContext) throws -> Int32 {
        let currency = try Parse.currency(try c.required("currency"))
        let value = try Parse.money(try c.required("amount"), currency: currency, option: "--amount")
        // The ledger's bound, here so a value past it is a usage error like one below zero.
        guard value.minorUnits <= Money.voucherLimitMinorUnits else {
            throw CLIError.usage("--amount: a voucher's value can be at most \(Money(minorUnits: Money.voucherLimitMinorUnits, currency: currency)); got \(value). Check the amount for extra digits.")
        }
        let given = [c.value("valid-months") != nil, c.value("expires") != nil, c.flag("no-expiry")].filter { $0 }.count
        guard given <= 1 else { throw CLIError.usage("Give only one of --valid-months, --expires and --no-expiry.") }
        var validity: Validity?
        if let m = c.value("valid-months") {
            validity = .months(try Parse.wholeNumber(m, option: "valid-months", in: Validity.monthsRange, of: "months", example: 12))
        } else if let e = c.value("expires") {
            guard let day = LocalDate(iso: e) else { throw CLIError.usage("--expires takes a day as YYYY-MM-DD, like 2027-04-16; got '\(e)'.") }
            validity = .lastDay(day)
        } else if c.flag("no-expiry") {
            validity = Validity.none
        }
        // The ledger checks the zone too, but only once the database is open (and so created).
        if let zone = c.value("time-zone") {
            do { try ZonedCalendar.checkZoneName(zone) } catch { throw CLIError.failure(error.description) }
        }
        let holder = PersonInput(email: c.value("holder-email"), name: c.value("holder-name"), locale: c.value("holder-locale"))
        let purchaser = PersonInput(email: c.value("purchaser-email"), name: c.value("purchaser-name"))
        let request = IssueRequest(value: value, validity: validity, timeZone: c.value("time-zone"), holder: holder,
                                   purchaser: purchaser, kind: c.value("kind").flatMap(VoucherKind.init(rawValue:)),
                                   experience: c.value("experience"), message: c.value("message"))
        let ledger = try c.createOrOpenLedger()
        let receipt = try ledger.perform(.issue(request), actor: c.actor, idempotencyKey: c.value("idempotency-key"))
        try c.emit(receipt.voucher, text: (receipt.replayed ? "Already issued (same idempotency key):\n" : "Issued a voucher:\n")
            + Render.voucher(receipt.voucher))
        return 0
    }

    static func show(_ c: CLIContext) throws -> Int32 {
        let v = try c.readLedger().voucherView(VoucherReference(try c.required("code")))
        try c.emit(v, text: Render.voucher(v))
        return 0
    }

    static func list(_ c: CLIContext) throws -> Int32 {
        var filter = VoucherFilter()
        filter.status = c.value("status").flatMap(VoucherStatus.init(rawValue:))
        if let d = c.value("expiring-within") {
            filter.expiringWithinDays = try Parse.wholeNumber(d, option: "expiring-within", in: VoucherFilter.expiringWithinDaysRange, of: "days", example: 30)
        }
        filter.holderEmail = c.value("holder-email")
        let limitText = c.value("limit") ?? "100"
        guard let limit = Int(limitText), (1...1000).contains(limit) else {
            throw CLIError.usage("--limit takes a number from 1 to 1000; got '\(limitText)'.")
        }
        filter.limit = limit
        if let cursor = c.value("cursor") {
            guard let n = Int64(cursor), n >= 0 else { throw CLIError.usage("--cursor takes the next_cursor of a previous page; '\(cursor)' is not one.") }
            filter.cursor = n
        }
        let page = try c.readLedger().list(filter)
        try c.emit(page, text: Render.voucherList(page))
        return 0
    }

    static func redeem(_ c: CLIContext) throws -> Int32 {
        let ledger = try c.openLedger()
        let ref = VoucherReference(try c.required("code"))
        let currency = try ledger.resolve(ref).value.currency
        let amount = try Parse.money(try c.required("amount"), currency: currency, option: "--amount")
        let receipt = try ledger.perform(.redeem(ref, amount: amount, reference: c.value("reference")),
                                         actor: c.actor, idempotencyKey: c.value("idempotency-key"))
        try c.emit(receipt, text: Render.receipt(receipt, verb: "Redeemed"))
        return 0
    }

    static func reverse(_ c: CLIContext) throws -> Int32 {
        let text = try c.required("entry-id")
        guard let id = Int64(text), id > 0 else { throw CLIError.usage("The entry ID is a number, like 42 (see 'goodwill entries CODE'); got '\(text)'.") }
        return try perform(c, .reverse(entryID: id, reason: c.value("reason")), verb: "Reversed")
    }

    static func void(_ c: CLIContext) throws -> Int32 {
        try perform(c, .void(VoucherReference(try c.required("code")), reason: c.value("reason")), verb: "Voided")
    }

    static func block(_ c: CLIContext) throws -> Int32 {
        try perform(c, .block(VoucherReference(try c.required("code")), reason: c.value("reason")), verb: "Blocked")
    }

    static func unblock(_ c: CLIContext) throws -> Int32 {
        try perform(c, .unblock(VoucherReference(try c.required("code")), reason: c.value("reason")), verb: "Unblocked")
    }

    static func adjust(_ c: CLIContext) throws -> Int32 {
        let ledger = try c.openLedger()
        let ref = VoucherReference(try c.required("code"))
        let currency = try ledger.resolve(ref).value.currency
        let amount = try Parse.signedMoney(try c.required("amount"), currency: currency, option: "--amount")
        return try perform(c, .adjust(ref, amount: amount, reason: try c.required("reason")), verb: "Adjusted", signed: true, ledger: ledger)
    }

    static func refund(_ c: CLIContext) throws -> Int32 {
        try perform(c, .refund(VoucherReference(try c.required("code")), reference: c.value("reference"), reason: c.value("reason")),
                    verb: "Refunded")
    }

    static func perform(_ c: CLIContext, _ command: LedgerCommand, verb: String, signed: Bool = false, ledger: Ledger? = nil) throws -> Int32 {
        let receipt = try (ledger ?? c.openLedger()).perform(command, actor: c.actor, idempotencyKey: c.value("idempotency-key"))
        try c.emit(receipt, text: Render.receipt(receipt, verb: verb, signed: signed))
        return 0
    }

    static func entries(_ c: CLIContext) throws -> Int32 {
        let entries = try c.readLedger().entries(of: VoucherReference(try c.required("code")))
        try c.emit(entries, text: Render.entries(entries))
        return 0
    }

    static func expireSweep(_ c: CLIContext) throws -> Int32 {
        let result = try c.openLedger().sweepExpired()
        var text = result.expired.isEmpty ? "No voucher has newly expired."
            : "Recorded \(Plural.count(result.expired.count, "expired voucher")): " + result.expired.joined(separator: ", ")
        if !result.extended.isEmpty {
            text += "\nExtended by goodwill at expiry: " + result.extended.joined(separator: ", ")
        }
        if !result.referred.isEmpty {
            text += "\nReferred to a person (a policy limit stopped their goodwill; 'goodwill entries ID' names the decision): "
                + result.referred.joined(separator: ", ")
        }
        try c.emit(result, text: text)
        return 0
    }

    static func verify(_ c: CLIContext) throws -> Int32 {
        let report = try c.readLedger().verify()
        if c.json {
            try c.print(try Output.json(report))
        } else if report.ok {
            try c.print("OK: \(Plural.count(report.vouchers, "voucher")) and \(Plural.count(report.entries, "entry", "entries")) verified; every voucher matches its entries and the hash chain is unbroken.\nChain head: \(report.headHash)")
        } else {
            try c.print("FAILED: \(report.discrepancies.count)\(report.discrepancies.count >= 50 ? "+" : "") \(Plural.noun(report.discrepancies.count, "discrepancy", "discrepancies")) in \(Plural.count(report.vouchers, "voucher")) and \(Plural.count(report.entries, "entry", "entries")).\nFirst: \(report.discrepancies[0])"
                + (report.discrepancies.count > 1 ? "\n" + report.discrepancies.dropFirst().prefix(9).map { "  " + $0 }.joined(separator: "\n") : ""))
        }
        return report.ok ? 0 : 1
    }
}
