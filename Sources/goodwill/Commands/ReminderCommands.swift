import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import Reminders

/// `goodwill reminders …`: the sweep and delivery of reminders, and what support needs to see and redo.
enum ReminderCommands {
    static let messages = Option("messages", valueName: "dir",
        help: "The message templates and issuer.json (default: $GOODWILL_MESSAGES, else ./Policies/messages, else the one beside the program).")
    static let code = Argument("code", help: "The voucher's code or ID (vch_…).")

    static var commands: [Command] {
        [Command("reminders", abstract: "Remind holders before their vouchers expire: sweep, deliver, inspect, retry.",
                 discussion: "Reminders go out 30, 7 and 1 days before the last valid day (per issuer in issuer.json), at 10:00 in the holder's time zone and never between 21:00 and 08:00. Extension and refund notes follow the ledger. Each message goes to the outbox once and is delivered at least once under a stable message id.",
                 subcommands: [
            Command("run", abstract: "Put due messages in the outbox and deliver everything that is due.", options: [
                Option("channel", valueName: "channel", help: "How to deliver (default: $GOODWILL_CHANNEL, else maildir).",
                       allowedValues: ["maildir", "sendmail", "webhook"]),
                Option("maildir", valueName: "dir", help: "The Maildir to write into (default: $GOODWILL_MAILDIR, else maildir/ beside the database)."),
                Option("sendmail", valueName: "path", help: "The sendmail program and its arguments (default: $GOODWILL_SENDMAIL, else '/usr/sbin/sendmail -t -i')."),
                Option("webhook-url", valueName: "url", help: "Where to POST signed events (default: $GOODWILL_WEBHOOK_URL)."),
                Option("webhook-secret", valueName: "whsec_…", help: "The Standard Webhooks signing secret; while rotating keys, up to 4 separated by spaces ('whsec_<new> whsec_<old>'), each message signed with every one (default: $GOODWILL_WEBHOOK_SECRET)."),
                messages,
            ], flags: [
                Flag("dry-run", help: "Show what would be enqueued and delivered; change nothing."),
                Flag("enable-webhook", help: "Deliver again to a webhook URL that had answered 410 Gone."),
            ]),
            Command("list", abstract: "List reminders: one voucher's, or all in a status.",
                    arguments: [Argument("code", help: "Only this voucher's reminders (code or ID).", optional: true)],
                    options: [
                        Option("status", valueName: "status", help: "Only reminders in this status.", allowedValues: OutboxStatus.allCases.map(\.rawValue)),
                        Option("limit", valueName: "n", help: "At most this many.", default: "100"),
                    ],
                    flags: [Flag("failed", help: "Only failed reminders (same as --status failed).")]),
            Command("retry", abstract: "Send a failed reminder again at the next run, under the same message id.",
                    arguments: [Argument("id", help: "The reminder's ID (see 'goodwill reminders list --failed').")]),
            Command("preview", abstract: "Show the next message the holder would receive, in their language, without sending it.",
                    arguments: [code], options: [messages]),
            Command("gift-notice", abstract: "Turn the note to the purchaser of an unused gift on or off for one voucher.",
                    arguments: [code],
                    flags: [Flag("on", help: "Tell the purchaser if the gift is still unused shortly before it expires."),
                            Flag("off", help: "Do not.")]),
        ])]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        [["reminders", "run"]: run, ["reminders", "list"]: list, ["reminders", "retry"]: retry,
         ["reminders", "preview"]: preview, ["reminders", "gift-notice"]: giftNotice]
    }

    // MARK: Setup

    /// `--messages`, `$GOODWILL_MESSAGES`, `./Policies/messages`, the folder above the program;
    /// nil: use the templates built into the program.
    static func messagesDirectory(_ c: CLIContext) -> String? {
        if let dir = c.value("messages") ?? c.environment["GOODWILL_MESSAGES"].flatMap({ $0.isEmpty ? nil : $0 }) { return dir }
        return ProgramFiles.find("Policies/messages")
    }

    /// `reading`: for a command that only reads (`CLIContext.readLedger`).
    static func service(_ c: CLIContext, reading: Bool = false) throws -> ReminderService {
        var catalog = try messagesDirectory(c).map { dir throws(TemplateError) in try MessageCatalog.load(directory: dir) } ?? MessageCatalog.embedded()
        if let from = c.environment["GOODWILL_MAIL_FROM"], !from.isEmpty {
            var settings = catalog.settings
            settings.overrideMailFrom(from)
            catalog = catalog.with(settings: settings)
        }
        return ReminderService(ledger: try reading ? c.readLedger() : c.openLedger(), catalog: catalog)
    }

    // MARK: Handlers

    static func run(_ c: CLIContext) throws -> Int32 {
        let configuration = ChannelConfiguration(channel: c.value("channel"), maildir: c.value("maildir"), sendmail: c.value("sendmail"),
                                                 webhookURL: c.value("webhook-url"), webhookSecret: c.value("webhook-secret"))
            .withFallbacks(from: c.environment)
        try refuseOptionsForAnotherChannel(c, chosen: configuration.channel ?? "maildir")
        // Enabling writes (the endpoint, its failed messages back in line): not in a dry run, and
        // only where there is an endpoint to enable.
        if c.flag("enable-webhook") {
            guard !c.flag("dry-run") else {
                throw CLIError.usage("--enable-webhook changes the database and --dry-run changes nothing; run with --enable-webhook alone to deliver to the endpoint again.")
            }
            guard (configuration.channel ?? "maildir") == "webhook" else {
                throw CLIError.usage("--enable-webhook is for webhook runs, but this run delivers via \(configuration.channel ?? "maildir"); nothing was sent. Add --channel webhook with its --webhook-url and --webhook-secret, or leave --enable-webhook out.")
            }
        }
        let databasePath = try c.databasePath
        let channel: any DeliveryChannel
        do { channel = try configuration.makeChannel(databasePath: databasePath, environment: c.environment) } catch { throw CLIError.usage(error.description) }
        let service = try service(c, reading: c.flag("dry-run"))
        if c.flag("enable-webhook"), let endpoint = channel.endpoint { try service.enableEndpoint(endpoint) }
        let report = try service.run(channel: channel, dryRun: c.flag("dry-run"))
        var where_ = channel.name
        if let maildir = channel as? MaildirChannel { where_ += " (\(maildir.root))" }
        if let endpoint = channel.endpoint { where_ += " (\(endpoint))" }
        try c.emit(report, text: text(report, channel: where_))
        return 0
    }

    /// The options only one channel reads. Given on the command line for another channel, the run
    /// would deliver elsewhere than meant (--webhook-url alone wrote to the maildir and marked the
    /// messages sent), so it is refused. The environment is not checked: one set of variables may
    /// serve several commands, and GOODWILL_CHANNEL picks among them.
    static let channelOptions = [("maildir", "maildir"), ("sendmail", "sendmail"), ("webhook-url", "webhook"), ("webhook-secret", "webhook")]

    static func refuseOptionsForAnotherChannel(_ c: CLIContext, chosen: String) throws {
        guard channelOptions.contains(where: { $0.1 == chosen }) else { return }  // an unknown channel: makeChannel says so
        for (option, owner) in channelOptions where owner != chosen && c.value(option) != nil {
            let because = c.value("channel") != nil ? "--channel \(chosen)"
                : c.environment["GOODWILL_CHANNEL"].map { $0.isEmpty ? "the default" : "GOODWILL_CHANNEL=\($0)" } ?? "the default"
            throw CLIError.usage("--\(option) is for the \(owner) channel, but this run delivers via \(chosen) (\(because)); nothing was sent. Add --channel \(owner), or leave --\(option) out.")
        }
    }

    static func text(_ r: ReminderRunReport, channel: String) -> String {
        var lines: [String] = []
        let would = r.dryRun ? "Would enqueue" : "Enqueued"
        if r.enqueued.isEmpty {
            lines.append(r.dryRun ? "Nothing new would be enqueued." : "Nothing new was due.")
        } else {
            lines.append("\(would) \(Plural.count(r.enqueued.count, "message")):")
            lines += r.enqueued.map { e in
                "  \(e.kind.rawValue)\(e.daysBefore.map { " (\(Plural.count($0, "day")) before)" } ?? "") for \(e.code), due \(e.dueAt)"
                    + (e.notBefore > e.dueAt ? ", not before \(e.notBefore)" : "")
            }
        }
        if r.cancelled > 0 { lines.append("Dropped \(Plural.count(r.cancelled, "unsent reminder")) for vouchers that were used, closed or extended.") }
        if let disabled = r.endpointDisabled, r.deliveries.isEmpty {
            lines.append("Delivered nothing: the webhook endpoint is disabled (\(disabled)). Once it works again, run with --enable-webhook.")
        } else if r.deliveries.isEmpty {
            lines.append(r.dryRun ? "Nothing would be delivered now." : "Nothing to deliver now.")
        } else {
            let sent = r.deliveries.filter { $0.result == "sent" }.count
            lines.append(r.dryRun ? "Would deliver \(r.deliveries.count) via \(channel):" : "Delivered \(sent) of \(r.deliveries.count) via \(channel):")
            lines += r.deliveries.map { d in
                "  #\(d.id) \(d.kind.rawValue) for \(d.code ?? "?"): \(d.result)" + (d.error.map { " – \($0)" } ?? "")
                    + (d.nextAttemptAt.map { " (next try \($0))" } ?? "")
            }
            if let disabled = r.endpointDisabled {
                lines.append("Stopped: the webhook endpoint is disabled (\(disabled)); the rest wait, unsent. Once it works again, run with --enable-webhook.")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func list(_ c: CLIContext) throws -> Int32 {
        let service = try service(c, reading: true)
        let limitText = c.value("limit") ?? "100"
        guard let limit = Int(limitText), (1...1000).contains(limit) else {
            throw CLIError.usage("--limit takes a number from 1 to 1000; got '\(limitText)'.")
        }
        var status = c.value("status").flatMap(OutboxStatus.init(rawValue:))
        if c.flag("failed") {
            if let s = status, s != .failed { throw CLIError.usage("Give either --failed or --status \(s.rawValue), not both.") }
            status = .failed
        }
        var views: [ReminderView]
        if let code = c.argument("code") {
            views = try service.reminders(for: VoucherReference(code))
            if let status { views = views.filter { $0.status == status } }
            views = Array(views.prefix(limit))
        } else {
            views = try service.reminders(status: status, limit: limit)
        }
        try c.emit(views, text: views.isEmpty ? "No reminders match." : Output.table(
            ["ID", "STATUS", "KIND", "CODE", "DUE", "TRIES", "NOTE"], views.map { v in
                let kind = v.kind.rawValue + (v.daysBefore.map { " \($0)d" } ?? "")
                let note = v.status == .sent ? "sent \(v.sentAt ?? "") via \(v.channel ?? "?")"
                    : [v.nextAttemptAt.map { "next \($0)" }, v.cancelledAt.map { "cancelled \($0)" }, v.lastError]
                        .compactMap { $0 }.joined(separator: "; ")
                return [String(v.id), v.status.rawValue, kind, v.code ?? v.voucherID, v.dueAt, String(v.attempts), note]
            }))
        return 0
    }

    static func retry(_ c: CLIContext) throws -> Int32 {
        let text = try c.required("id")
        guard let id = Int64(text), id > 0 else {
            throw CLIError.usage("The reminder ID is a number, like 12 (see 'goodwill reminders list --failed'); got '\(text)'.")
        }
        let view = try service(c).retry(id: id)
        try c.emit(view, text: "Reminder \(id) (\(view.kind.rawValue) for \(view.code ?? view.voucherID)) will go out at the next 'goodwill reminders run', under the same message id \(view.messageID).")
        return 0
    }

    static func preview(_ c: CLIContext) throws -> Int32 {
        let p = try service(c, reading: true).preview(VoucherReference(try c.required("code")))
        try c.emit(p, text: Output.fields([
            ("To", "\(p.to) [\(p.language.rawValue)]"), ("Send at", p.sendAt),
            ("Kind", p.kind.rawValue + (p.daysBefore.map { " (\(Plural.count($0, "day")) before)" } ?? "")),
            ("Subject", p.subject),
        ]) + "\n\n" + p.body + (p.calendar != nil ? "\n[Attached: voucher.ics, an all-day entry on the last valid day]" : ""))
        return 0
    }

    static func giftNotice(_ c: CLIContext) throws -> Int32 {
        let on = c.flag("on"), off = c.flag("off")
        guard !(on && off) else { throw CLIError.usage("Give --on or --off, not both.") }
        let service = try service(c, reading: !on && !off)
        let ref = VoucherReference(try c.required("code"))
        let setting = on || off ? try service.setGiftNotice(ref, enabled: on) : try service.giftNotice(ref)
        let who = setting.purchaserEmail ?? "the purchaser"
        try c.emit(setting, text: setting.purchaserIsHolder
            ? "\(setting.code): no gift notice; it was bought by its holder, who gets the expiry reminders themselves."
            : setting.notifyPurchaser
            ? "\(setting.code): \(who) will hear from us if the gift is still unused shortly before it expires."
            : "\(setting.code): no note to \(who) about an unused gift.")
        return 0
    }
}
