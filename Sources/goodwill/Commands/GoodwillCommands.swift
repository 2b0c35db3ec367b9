import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import PolicyEngine

/// Goodwill: extensions decided by the active policy, and managing policies.
enum GoodwillCommands {
    static var commands: [Command] {
        [
            Command("extend", abstract: "Ask for a goodwill extension; the active policy decides, or you grant by hand.",
                    discussion: "Without --days the policy decides: a grant is applied at once (exit 0); a referral or a refusal is recorded and printed (exit 1). With --days you decide as support or admin; going beyond the policy needs --override.",
                    arguments: [LedgerCommands.code],
                    options: [
                        Option("reason", valueName: "text", help: "Why the holder asks, in their words.", required: true),
                        Option("days", valueName: "n", help: "Grant this many days yourself, \(Parse.range(PersonalDecision.daysRange)), instead of letting the policy decide."),
                        Option("requester", valueName: "who", help: "Who asks: the holder (through you) or an agent on their own initiative.",
                               default: "holder", allowedValues: ["holder", "agent"]),
                        LedgerCommands.idempotencyKey,
                    ],
                    flags: [Flag("override", help: "Confirm a grant beyond what the policy allows.")]),
            Command("policy", abstract: "Goodwill policies: explain a decision, validate, list, activate, simulate.", subcommands: [
                Command("explain", abstract: "Show the decision the active policy would take now, and why, changing nothing.",
                        arguments: [LedgerCommands.code],
                        options: [Option("requester", valueName: "who", help: "As asked by whom.", default: "holder",
                                         allowedValues: Requester.allCases.map(\.rawValue))]),
                Command("validate", abstract: "Check a policy file; names the file, rule and field of every problem.",
                        discussion: "With a database (--db, GOODWILL_DB, or ./goodwill.db when it exists) it also says what 'policy activate' would do there, and refuses, as activate would, an id and version already stored with other content. Without one it says it did not check. It stores and activates no policy, and opens the database read-only (an older one is brought up to date where it can be written, as by every command).",
                        arguments: [Argument("file", help: "The policy JSON file.")]),
                Command("list", abstract: "List the policy versions in the database and which is active."),
                Command("activate", abstract: "Store a policy version and make it the active one.",
                        arguments: [Argument("file", help: "The policy JSON file.")]),
                Command("simulate", abstract: "Replay history through a candidate policy, against what happened. Changes nothing.",
                        arguments: [Argument("file", help: "The candidate policy JSON file.")],
                        options: [
                            Option("from", valueName: "YYYY-MM-DD", help: "First last-valid-day in the period (default: a year before --to)."),
                            Option("to", valueName: "YYYY-MM-DD", help: "Last last-valid-day in the period (default: today)."),
                            Option("rows", valueName: "n", help: "How many vouchers to list, \(Parse.range(SimulationReport.rowsRange)).",
                                   default: String(SimulationReport.defaultRows)),
                        ]),
                Command("jurisdiction", abstract: "Show or set the jurisdiction whose validity and cash-out rules apply.",
                        arguments: [Argument("code", help: "A shipped preset (SE, NO, DK, FI, DE, GB, IE, US, US-CA, US-NY, US-WA) or a preset file.", optional: true)]),
            ]),
            Command("fixtures", abstract: "Demo and test data.", subcommands: [
                Command("load", abstract: "Replay a book of events (default: Fixtures/book/events.jsonl) into the database.",
                        arguments: [Argument("file", help: "The events file.", optional: true)]),
            ]),
        ]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        [
            ["extend"]: extend, ["policy", "explain"]: explain, ["policy", "validate"]: validate, ["policy", "list"]: list,
            ["policy", "activate"]: activate, ["policy", "simulate"]: simulate, ["policy", "jurisdiction"]: jurisdiction,
            ["fixtures", "load"]: loadFixtures,
        ]
    }

    static func extend(_ c: CLIContext) throws -> Int32 {
        let days = try c.value("days").map { try Parse.wholeNumber($0, option: "days", in: PersonalDecision.daysRange, of: "days", example: 30) }
        let request = ExtensionRequest(days: days, reason: try c.required("reason"), override: c.flag("override"),
                                       requester: Requester(rawValue: c.value("requester") ?? "holder") ?? .holder, role: "admin")
        let receipt = try c.openLedger().perform(.extend(VoucherReference(try c.required("code")), request),
                                                 actor: c.actor, idempotencyKey: c.value("idempotency-key"))
        let granted = receipt.decision?.applied != nil
        if c.json {
            try c.print(try Output.json(receipt))
        } else {
            var text = receipt.decision.map(Render.decision) ?? ""
            text += granted ? "\nExtended: \(receipt.voucher.code) is now valid through \(receipt.voucher.lastValidDay ?? "?")."
                            : "\nNot extended: nothing was changed. The decision is recorded."
            try c.print(text)
        }
        return granted ? 0 : 1
    }

    static func explain(_ c: CLIContext) throws -> Int32 {
        let requester = Requester(rawValue: c.value("requester") ?? "holder") ?? .holder
        let d = try c.readLedger().explainGoodwill(VoucherReference(try c.required("code")), requester: requester)
        try c.emit(d, text: Render.decision(d))
        return 0
    }

    static func readFile(_ path: String, example: String = "policy.json") throws -> Data {
        try Parse.inputFile(path, example: example)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failure("Cannot read '\(path)'. Check the path.")
        }
        guard data.count <= 1 << 20 else { throw CLIError.failure("'\(path)' is over 1 MiB; a policy is a small JSON file.") }
        return data
    }

    /// The file first; then, where the database exists, what `policy activate` would do there (a
    /// version stored with other content is refused as activate refuses it). Without a database it
    /// says so rather than imply that activating will work; it never creates one.
    static func validate(_ c: CLIContext) throws -> Int32 {
        let path = try c.required("file")
        let data = try readFile(path)
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        // With a database the ledger reads the file as activate does (once, and a version already
        // stored there as it was stored); without one, the loader alone.
        let database = try c.databasePath
        let check = FileManager.default.fileExists(atPath: database) ? try c.readLedger().checkPolicy(data: data, fileName: fileName) : nil
        let p: Policy
        if let check { p = check.policy } else {
            do { p = try PolicyLoader.load(data: data, fileName: fileName, hasher: Ledger.hasher) } catch { throw CLIError.failure("\(error)") }
        }
        var fields = ["id": p.id, "version": String(p.version), "rules": String(p.rules.count), "hash": p.contentHash, "valid": "true"]
        var text = "\(path): policy \(p.id) v\(p.version) is valid (\(p.rules.count) rules, hash \(p.contentHash.prefix(12))…).\n"
        if let check {
            fields["database"] = database
            fields["stored"] = String(check.stored)
            fields["active"] = String(check.active)
            text += check.active ? "It is the active policy in \(database) already."
                : check.stored ? "Stored in \(database) with the same content: 'goodwill policy activate' makes it the active policy again."
                : "Not stored in \(database) yet: 'goodwill policy activate' stores it and makes it the active policy."
        } else {
            text += "Not checked against stored versions: there is no database at \(database). 'goodwill policy activate' refuses an id and version stored there with other content; give --db to check."
        }
        try c.emit(fields, text: text)
        return 0
    }

    static func list(_ c: CLIContext) throws -> Int32 {
        let infos = try c.readLedger().policyInfos()
        try c.emit(infos, text: Output.table(["ACTIVE", "ID", "VERSION", "RULES", "ADDED", "DESCRIPTION"], infos.map {
            [$0.active ? "*" : "", $0.id, String($0.version), String($0.rules), $0.addedAt, String($0.description.prefix(60))]
        }))
        return 0
    }

    static func activate(_ c: CLIContext) throws -> Int32 {
        let path = try c.required("file")
        let data = try readFile(path)  // before the database is opened, which may create it
        let info = try c.createOrOpenLedger().activatePolicy(data: data, fileName: URL(fileURLWithPath: path).lastPathComponent, actor: c.actor)
        try c.emit(info, text: "Policy \(info.id) v\(info.version) is now active. Decisions from now on name this version.")
        return 0
    }

    static func simulate(_ c: CLIContext) throws -> Int32 {
        let path = try c.required("file")
        // A usage error before the database is opened or the policy read.
        let rows = try c.value("rows").map { try Parse.wholeNumber($0, option: "rows", in: SimulationReport.rowsRange, of: "rows", example: SimulationReport.defaultRows) }
            ?? SimulationReport.defaultRows
        let ledger = try c.readLedger()
        let policy = try ledger.validatePolicy(data: try readFile(path), fileName: URL(fileURLWithPath: path).lastPathComponent)
        func day(_ name: String) throws -> LocalDate? {
            guard let t = c.value(name) else { return nil }
            guard let d = LocalDate(iso: t) else { throw CLIError.usage("--\(name) takes a day as YYYY-MM-DD; got '\(t)'.") }
            return d
        }
        let report = try ledger.simulate(policy, from: try day("from"), to: try day("to"), rowLimit: rows)
        try c.emit(report, text: Render.simulation(report))
        return 0
    }

    static func jurisdiction(_ c: CLIContext) throws -> Int32 {
        // Setting one is part of setting a database up; showing it needs one. A misspelt code, or
        // a preset file that is missing or unusable, is refused before the database is opened, so
        // it creates none.
        var presetData: Data?
        if let arg = c.argument("code") {
            if FileManager.default.fileExists(atPath: arg) {
                presetData = try presetFile(arg)
            } else if looksLikePath(arg) {
                throw CLIError.failure("'\(arg)' does not exist. Check the path, or give a shipped code (\(EmbeddedPolicies.jurisdictions.keys.sorted().joined(separator: ", "))).")
            } else {
                try checkShippedCode(arg)
            }
        }
        let ledger = try c.argument("code") != nil ? c.createOrOpenLedger() : c.readLedger()
        if let arg = c.argument("code") {
            let preset = try presetData.map { try ledger.setJurisdiction(data: $0, actor: c.actor) }
                ?? ledger.setJurisdiction(code: arg, actor: c.actor)
            try c.emit(preset, text: "Jurisdiction set to \(preset.code) (\(preset.name)). New vouchers are checked against its rules.")
            return 0
        }
        guard let preset = try ledger.jurisdiction() else { throw CLIError.failure("No jurisdiction is set. Set one with 'goodwill policy jurisdiction SE'.") }
        try c.emit(preset, text: "\(preset.code) (\(preset.name))\nValidity: \(preset.validity.note)\nCash-out: \(preset.cashOut.note)\nSource: \(preset.source)\nConfidence: \(preset.confidence)")
        return 0
    }

    /// A preset file's name, not a code: no shipped code has a '/' or a '.'.
    static func looksLikePath(_ arg: String) -> Bool { arg.contains("/") || arg.contains(".") }

    /// A code that is not shipped is a usage error with "did you mean" (SWE → SE), like a misspelt
    /// value of any closed set.
    static func checkShippedCode(_ arg: String) throws {
        guard EmbeddedPolicies.jurisdictions[arg.uppercased()] == nil else { return }
        let codes = EmbeddedPolicies.jurisdictions.keys.sorted()
        let guess = Suggestions.closest(ignoringCaseTo: arg.uppercased(), among: codes).map { " Did you mean '\($0)'?" } ?? ""
        throw CLIError.usage("'\(arg)' is not a shipped jurisdiction.\(guess) Use one of \(codes.joined(separator: ", ")), or give a preset file.")
    }

    /// A preset file's bytes, checked here so a problem names the file given and says what a
    /// preset is (the ledger knows the bytes only).
    static func presetFile(_ path: String) throws -> Data {
        let data = try readFile(path, example: "SE.json")
        let advice = "Give a shipped code (\(EmbeddedPolicies.jurisdictions.keys.sorted().joined(separator: ", "))) or a preset file like Policies/jurisdictions/SE.json."
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw CLIError.failure("'\(path)' is not a jurisdiction preset: it is not JSON. \(advice)")
        }
        do { _ = try JurisdictionPreset.load(data: data, fileName: URL(fileURLWithPath: path).lastPathComponent) } catch {
            // A problem with the whole document has no field name before its colon.
            let problem = error.problem.hasPrefix(": ") ? "it should be one JSON object" : error.problem
            throw CLIError.failure("'\(path)' is not a usable jurisdiction preset: \(problem.hasSuffix(".") ? String(problem.dropLast()) : problem). \(advice)")
        }
        return data
    }

    static func loadFixtures(_ c: CLIContext) throws -> Int32 {
        let path = try c.argument("file") ?? Fixtures.bookPath()
        try Parse.inputFile(path, example: "events.jsonl")  // before the database is created
        let databasePath = try c.databasePath
        if let refusal = DatabaseFiles.refusalToOpen(databasePath) { throw CLIError.failure(refusal) }
        let (ledger, clock) = try Fixtures.replayLedger(path: databasePath, now: c.clock.now())
        let summary: BookReplay.Summary
        do { summary = try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: URL(fileURLWithPath: path)) } catch let error as LedgerError {
            throw CLIError.failure("\(error.description) Nothing was loaded into \(databasePath).")
        }
        let refused = summary.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        try c.emit(summary, text: "Replayed \(Plural.count(summary.events, "event")) from \(path): \(Plural.count(summary.vouchers, "voucher")), \(Plural.count(summary.applied, "change")) applied"
            + (refused.isEmpty ? "." : "; refused as in life: \(refused)."))
        return 0
    }
}

/// Where the shipped fixtures are.
enum Fixtures {
    /// The shipped book of events: in the current folder's Fixtures/ or beside the program (a
    /// checkout's build folder). Found in neither, the operator is told where to run from, before
    /// anything is created.
    static func bookPath() throws -> String {
        if let found = ProgramFiles.find(book) { return found }
        throw CLIError.failure("The demo data, \(book), ships with Goodwill's source and is neither in this folder nor beside the program (\(ProgramFiles.executable.deletingLastPathComponent().path)). Run this from the Goodwill checkout (for example `swift run goodwill serve --demo` there), or load a book of your own with `goodwill fixtures load FILE`.")
    }
    static let book = "Fixtures/book/events.jsonl"

    /// A ledger whose clock a book replay moves from event to event. It starts at `now`, so what
    /// opening a new database installs (migrations, the default policy and jurisdiction) is dated
    /// when that happened, not 1970-01-01.
    static func replayLedger(path: String, now: Date) throws -> (Ledger, ManualClock) {
        let clock = ManualClock(now)
        return (try Ledger(path: path, clock: clock, options: .init(durable: false)), clock)
    }
}
