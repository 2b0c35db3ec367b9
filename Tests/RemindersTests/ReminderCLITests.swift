import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import RepositoryFiles
import Testing

/// `goodwill reminders …` run as a person would: the built binary, a fresh database, GOODWILL_NOW.
@Suite(.serialized) struct ReminderCLITests {
    let folder = TemporaryFolder()

    static var binary: URL { Repository.goodwillBinary }

    func run(_ args: [String], now: String = "2025-04-02T10:00:00Z", env extra: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["GOODWILL_DB"] = folder.path + "/goodwill.db"
        env["GOODWILL_SYNCHRONOUS"] = "normal"
        env["GOODWILL_NOW"] = now
        env["GOODWILL_MESSAGES"] = messagesDirectory
        env["GOODWILL_CHANNEL"] = nil
        env.merge(extra) { _, new in new }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func theRemindersTour_works() throws {
        let issued = try run(["issue", "--amount", "1250.50", "--currency", "SEK", "--holder-email", "anna@example.com",
                              "--holder-name", "Anna Lind", "--holder-locale", "sv", "--experience", "Takvandring för två",
                              "--purchaser-email", "per@example.com", "--json"])
        #expect(issued.status == 0, "\(issued.err)")
        let code = try #require((try JSONSerialization.jsonObject(with: Data(issued.out.utf8)) as? [String: Any])?["code"] as? String)

        let notice = try run(["reminders", "gift-notice", code, "--on"])
        #expect(notice.out.contains("per@example.com will hear from us"))

        let preview = try run(["reminders", "preview", code])
        #expect(preview.status == 0, "\(preview.err)")
        #expect(preview.out.contains("Subject: Ditt presentkort hos Takvandring Stockholm väntar fortfarande på dig"))
        #expect(preview.out.contains("Send at: 2026-03-03T09:00:00Z"))
        #expect(preview.out.contains("Kvar att använda: 1\u{00A0}250,50\u{00A0}kr"))

        let dry = try run(["reminders", "run", "--dry-run"], now: "2026-03-03T09:00:00Z")
        #expect(dry.out.contains("Would enqueue 2 messages"))
        let run1 = try run(["reminders", "run", "--json"], now: "2026-03-03T09:00:00Z")
        #expect(run1.status == 0, "\(run1.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run1.out.utf8)) as? [String: Any])
        #expect((report["enqueued"] as? [Any])?.count == 2)
        #expect((report["deliveries"] as? [[String: Any]])?.compactMap { $0["result"] as? String } == ["sent", "sent"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/maildir/new").count == 2)

        let again = try run(["reminders", "run"], now: "2026-03-03T09:05:00Z")
        #expect(again.out.contains("Nothing new was due."))
        let list = try run(["reminders", "list", code])
        #expect(list.out.contains("expiry_reminder 30d"))
        #expect(list.out.contains("gift_notice 45d"))
        #expect(try run(["reminders", "list", "--failed"]).out == "No reminders match.\n")
        let retry = try run(["reminders", "retry", "1"])
        #expect(retry.status == 1)
        #expect(retry.err.contains("Reminder 1 is sent, not failed"))
    }

    /// A reminder waiting for a retry when its voucher is blocked is dropped by the next run; the
    /// list says when and why, in text and in JSON.
    @Test func aDroppedReminder_isListedWithWhenAndWhyItWasDropped() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com", "--json"])
        #expect(issued.status == 0, "\(issued.err)")
        let code = try #require((try JSONSerialization.jsonObject(with: Data(issued.out.utf8)) as? [String: Any])?["code"] as? String)
        let busy = try folder.program("busy-sendmail", "cat >/dev/null; exit 75")
        let first = try run(["reminders", "run", "--channel", "sendmail", "--sendmail", busy], now: "2026-03-03T09:00:00Z")
        #expect(first.status == 0, "\(first.err)")
        #expect(try run(["block", code, "--reason", "lost card"], now: "2026-03-03T12:00:00Z").status == 0)
        let second = try run(["reminders", "run"], now: "2026-03-03T12:05:00Z")
        #expect(second.out.contains("Dropped 1 unsent reminder"), "\(second.out)")

        let listed = try run(["reminders", "list", code, "--json"])
        #expect(listed.status == 0, "\(listed.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["status"] as? String == "cancelled")
        #expect(rows.first?["cancel_kind"] as? String == "dropped")
        #expect(rows.first?["cancelled_at"] as? String == "2026-03-03T12:05:00Z")
        let text = try run(["reminders", "list", code])
        #expect(text.out.contains("cancelled 2026-03-03T12:05:00Z; dropped: the voucher was used"), "\(text.out)")
    }

    @Test func aWebhookWithoutASecret_isAUsageError() throws {
        let r = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", "https://example.com/h"])
        #expect(r.status == 64)
        #expect(r.err.contains("--webhook-secret"))
    }

    /// Webhooks are sent by the goodwill-webhook program beside goodwill. Without it a webhook run
    /// is refused up front, saying where it was looked for and how to get it; nothing is claimed,
    /// so no message waits out a backoff for it.
    @Test func aWebhookRun_withoutItsProgram_isAUsageError_andNothingIsClaimed() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let r = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", "https://example.com/h", "--webhook-secret", secret],
                        now: "2026-03-03T09:00:00Z", env: ["GOODWILL_WEBHOOK_HELPER": folder.path + "/no-such-program"])
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains(folder.path + "/no-such-program") && r.err.contains("GOODWILL_WEBHOOK_HELPER") && r.err.contains("swift build"), "\(r.err)")
        #expect(try run(["reminders", "list"]).out == "No reminders match.\n")
    }

    /// GOODWILL_WEBHOOK_HELPER naming a folder (the one the program is in, say) is refused up front
    /// as a missing program is, not found out message by message.
    @Test func aWebhookRun_whoseProgramIsAFolder_isAUsageError_andNothingIsClaimed() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let r = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", "https://example.com/h", "--webhook-secret", secret],
                        now: "2026-03-03T09:00:00Z", env: ["GOODWILL_WEBHOOK_HELPER": folder.path])
        #expect(r.status == 64, "\(r.out)\(r.err)")
        #expect(r.err.contains("cannot run \(folder.path) (it is a folder, not a program)") && r.err.contains("GOODWILL_WEBHOOK_HELPER"), "\(r.err)")
        #expect(try run(["reminders", "list"]).out == "No reminders match.\n")
    }

    /// The program that makes the POST gets the signed request, never the secrets: goodwill's
    /// settings (GOODWILL_WEBHOOK_SECRET among them, as `serve` is usually given it) stay out of
    /// its environment; the rest (a proxy, a CA bundle) still reaches it.
    @Test func theWebhookProgram_isNotGivenTheSecret_inItsEnvironment() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        let seen = folder.path + "/helper-environment"
        let helper = folder.path + "/helper.sh"
        try writeExecutable("#!/bin/sh\nread -r request\nenv > '\(seen)'\necho '{\"status\": 204}'\n", to: helper)
        let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let r = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", "https://example.com/h", "--json"], now: "2026-03-03T09:00:00Z",
                        env: ["GOODWILL_WEBHOOK_HELPER": helper, "GOODWILL_WEBHOOK_SECRET": secret, "https_proxy": "http://proxy.example:3128"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains(#""result" : "sent""#), "\(r.out)")
        let environment = try String(contentsOfFile: seen, encoding: .utf8)
        #expect(!environment.contains(String(secret.dropFirst(6))), "the secret reached the webhook program")
        #expect(!environment.contains("GOODWILL_"))
        #expect(environment.contains("https_proxy=http://proxy.example:3128"))
    }

    @Test func aBadSecondWebhookSecret_isAUsageError_thatNamesItsPosition_andShowsNoSecret() throws {
        let good = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let bad = "whsec_" + Data(repeating: 9, count: 8).base64EncodedString()
        let r = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", "https://example.com/h", "--webhook-secret", "\(good) \(bad)"])
        #expect(r.status == 64)
        #expect(r.err.contains("Webhook secret 2 of 2 is wrong"), "\(r.err)")
        #expect(!r.err.contains(String(good.dropFirst(6))) && !r.err.contains(String(bad.dropFirst(6))), "\(r.err)")
        let help = try run(["reminders", "run", "--help"])
        #expect(help.out.contains("separated by spaces"))
    }

    @Test func anEmptySendmailOrMaildir_isAUsageError_andNothingIsClaimed() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        for args in [["--channel", "sendmail", "--sendmail", ""], ["--channel", "sendmail", "--sendmail", " "], ["--maildir", ""]] {
            let r = try run(["reminders", "run"] + args, now: "2026-03-03T09:00:00Z")
            #expect(r.status == 64, "\(args): \(r.err)")
            #expect(r.err.contains(args.contains("--maildir") ? "--maildir" : "--sendmail"))
        }
        // Nothing was claimed, failed or enqueued by the refused runs.
        let list = try run(["reminders", "list"])
        #expect(list.out == "No reminders match.\n")
    }

    /// An option for another channel than the one the run delivers through is a mistake, not a
    /// detail to skip: with only --webhook-url and --webhook-secret the run wrote the messages
    /// into the maildir and marked them sent, and the webhook never heard of them.
    @Test func anOptionForAnotherChannel_isAUsageError_andNothingIsSentElsewhere() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let cases: [([String], String)] = [
            (["--webhook-url", "https://example.com/h", "--webhook-secret", secret], "--webhook-url"),
            (["--webhook-secret", secret], "--webhook-secret"),
            (["--sendmail", "/usr/sbin/sendmail -t -i"], "--sendmail"),
            (["--channel", "sendmail", "--maildir", folder.path + "/elsewhere"], "--maildir"),
            (["--channel", "webhook", "--webhook-url", "https://example.com/h", "--webhook-secret", secret, "--sendmail", "/bin/true"], "--sendmail"),
        ]
        for (args, named) in cases {
            let r = try run(["reminders", "run"] + args, now: "2026-03-03T09:00:00Z")
            #expect(r.status == 64, "\(args): \(r.err)")
            #expect(r.err.contains(named) && r.err.contains("--channel"), "\(args): \(r.err)")
        }
        #expect(try run(["reminders", "list"]).out == "No reminders match.\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/maildir"))
    }

    /// --enable-webhook writes (the endpoint is enabled, its failed messages put back in line): it
    /// is refused with --dry-run, which changes nothing, and for a run that is not a webhook run,
    /// where it was skipped without a word.
    @Test func enableWebhook_withDryRunOrWithoutTheWebhookChannel_isAUsageError_andTheEndpointStaysDisabled() throws {
        let issued = try run(["issue", "--amount", "500", "--currency", "SEK", "--holder-email", "anna@example.com"])
        #expect(issued.status == 0, "\(issued.err)")
        let url = "https://example.com/h"
        do {
            let ledger = try Ledger(path: folder.path + "/goodwill.db", clock: ManualClock(instant("2026-03-01T09:00:00Z")), options: .init(durable: false))
            try OutboxStore(db: ledger.db).disable(endpoint: url, at: instant("2026-03-01T09:00:00Z"), reason: "410 Gone")
        }
        let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let dry = try run(["reminders", "run", "--channel", "webhook", "--webhook-url", url, "--webhook-secret", secret,
                           "--enable-webhook", "--dry-run"], now: "2026-03-03T09:00:00Z")
        #expect(dry.status == 64, "\(dry.err)")
        #expect(dry.err.contains("--enable-webhook") && dry.err.contains("--dry-run"), "\(dry.err)")
        let maildir = try run(["reminders", "run", "--enable-webhook"], now: "2026-03-03T09:00:00Z")
        #expect(maildir.status == 64, "\(maildir.err)")
        #expect(maildir.err.contains("--enable-webhook") && maildir.err.contains("--channel webhook"), "\(maildir.err)")
        let ledger = try Ledger(path: folder.path + "/goodwill.db", clock: ManualClock(instant("2026-03-03T09:00:00Z")), options: .init(durable: false))
        #expect(try OutboxStore(db: ledger.db).disabledReason(endpoint: url) == "410 Gone")
        #expect(try run(["reminders", "list"]).out == "No reminders match.\n")
    }
}

