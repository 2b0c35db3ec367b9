import Foundation
import GoodwillCore
@testable import Reminders
import Testing

@Suite(.serialized) struct WebhookTests {
    let secretText = "whsec_" + Data((0..<32).map { UInt8($0 &* 7 &+ 3) }).base64EncodedString()

    func channel(_ receiver: TestWebhookReceiver) throws -> WebhookChannel {
        WebhookChannel(url: receiver.url, secret: try WebhookSecret(parsing: secretText), timeout: 5)
    }

    @Test func aDelivery_isSignedAsStandardWebhooksSays_andATamperedBodyFailsTheCheck() throws {
        let receiver = try TestWebhookReceiver()
        defer { receiver.stop() }
        let f = try ReminderFixture()
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let report = try f.service.run(channel: try channel(receiver))
        #expect(report.deliveries.map(\.result) == ["sent"])
        let request = try #require(receiver.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/goodwill")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["webhook-id"] == report.deliveries[0].messageID)
        #expect(request.headers["webhook-timestamp"] == "1772528400")
        #expect(standardWebhooksVerify(headers: request.headers, body: request.body, secret: secretText, now: f.clock.now()))
        var tampered = request.body
        tampered[tampered.count / 2] ^= 0x01
        #expect(!standardWebhooksVerify(headers: request.headers, body: tampered, secret: secretText, now: f.clock.now()))
        #expect(!standardWebhooksVerify(headers: request.headers, body: request.body, secret: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString(), now: f.clock.now()))
        #expect(!standardWebhooksVerify(headers: request.headers, body: request.body, secret: secretText, now: f.clock.now().addingTimeInterval(600)))

        let event = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(event["type"] as? String == "voucher.expiry_reminder")
        let data = try #require(event["data"] as? [String: Any])
        #expect(data["message_id"] as? String == report.deliveries[0].messageID)
        #expect(data["last_valid_day"] as? String == "2026-04-02")
        #expect(data["days_before"] as? Int == 30)
        #expect((data["recipient"] as? [String: Any])?["email"] as? String == "anna@example.com")
        #expect((data["subject"] as? String)?.contains("väntar") == true)
    }

    @Test func failures_backOffWithRetryAfter_endInTheFailedList_andARetryKeepsTheId() throws {
        let receiver = try TestWebhookReceiver(answers: [(503, ["Retry-After": "3600"])])
        defer { receiver.stop() }
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 3, baseDelay: 60, maxDelay: 3600))
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let webhook = try channel(receiver)
        var results: [String] = []
        for _ in 0..<3 {
            let d = try #require(try f.service.run(channel: webhook).deliveries.first)
            results.append(d.result)
            if let next = d.nextAttemptAt {
                // Retry-After (an hour) is longer than the backoff (at most two minutes here): it wins.
                #expect(instant(next).timeIntervalSince(f.clock.now()) >= 3600)
                f.clock.set(instant(next))
            }
        }
        #expect(results == ["retrying", "retrying", "failed"])
        let failed = try f.service.reminders(status: .failed)
        #expect(failed.count == 1)
        #expect(failed[0].history.map(\.outcome) == ["temporary", "temporary", "temporary"])
        #expect(failed[0].lastError?.contains("503") == true)

        receiver.answer([(204, [:])])
        _ = try f.service.retry(id: failed[0].id)
        #expect(try f.service.run(channel: webhook).deliveries.map(\.result) == ["sent"])
        #expect(Set(receiver.requests.compactMap { $0.headers["webhook-id"] }) == [failed[0].messageID])
        #expect(receiver.requests.count == 4)
    }

    @Test func aClientError_isPermanent_and410DisablesTheEndpoint() throws {
        let receiver = try TestWebhookReceiver(answers: [(400, [:]), (410, [:])])
        defer { receiver.stop() }
        let f = try ReminderFixture()
        try f.issue(email: "a@example.com")
        try f.issue(email: "b@example.com")
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let webhook = try channel(receiver)
        let first = try f.service.run(channel: webhook)
        #expect(first.deliveries.map(\.result) == ["failed", "endpoint_gone"])
        #expect(first.deliveries[1].error?.contains("410") == true)

        try f.issue(months: 1, email: "c@example.com")
        f.clock.set(instant("2026-03-27T09:00:00Z"))
        let paused = try f.service.run(channel: webhook)
        #expect(paused.endpointDisabled?.contains("410") == true)
        #expect(receiver.requests.count == 2)

        receiver.answer([(200, [:])])
        try f.service.enableEndpoint(webhook.url.absoluteString)
        #expect(try f.service.run(channel: webhook).sentCount >= 1)
    }

    @Test func aLongRun_signsEachMessageWithTheTimeItIsSent_soTheReceiverAcceptsEveryOne() throws {
        let receiver = try TestWebhookReceiver()
        defer { receiver.stop() }
        let f = try ReminderFixture()
        for i in 0..<4 { try f.issue(email: "holder\(i)@example.com") }
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        // Each POST takes 200 s of the clock: the last one goes out 10 minutes after the run began.
        let slow = SlowChannel(clock: f.clock, seconds: 200, inner: try channel(receiver))
        #expect(try f.service.run(channel: slow).sentCount == 4)
        let requests = receiver.requests
        #expect(requests.count == 4)
        // The receiver's check, with its clock as it read when each request arrived.
        let accepted = zip(requests, slow.deliveries).map { request, handOver in
            standardWebhooksVerify(headers: request.headers, body: request.body, secret: secretText, now: handOver.clock)
        }
        #expect(accepted == [true, true, true, true])
    }

    @Test func a410InTheMiddleOfABatch_stopsTheRun_andTheRestWaitForTheEndpoint() throws {
        let receiver = try TestWebhookReceiver(answers: [(200, [:]), (410, [:]), (200, [:])])
        defer { receiver.stop() }
        let f = try ReminderFixture()
        for i in 0..<5 { try f.issue(email: "holder\(i)@example.com") }
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let webhook = try channel(receiver)
        let first = try f.service.run(channel: webhook)
        // Two POSTs: the second met the 410 and nothing more went there.
        #expect(receiver.requests.count == 2)
        #expect(first.deliveries.map(\.result) == ["sent", "endpoint_gone"])
        #expect(first.endpointDisabled?.contains("410") == true)
        let waiting = try f.rows().filter { $0.status == .pending }
        #expect(waiting.count == 4)
        #expect(try f.rows().filter { $0.status == .failed }.isEmpty)
        // The three never tried carry no attempt for the claim they were given back from.
        #expect(waiting.filter { $0.history.isEmpty }.allSatisfy { $0.attempts == 0 })
        #expect(waiting.filter { $0.history.isEmpty }.count == 3)

        f.clock.advance(seconds: 3600)
        #expect(try f.service.run(channel: webhook).deliveries.isEmpty)
        #expect(receiver.requests.count == 2)

        // Enabled again: the four go out, the one that met the 410 under the id it had.
        try f.service.enableEndpoint(webhook.url.absoluteString)
        let after = try f.service.run(channel: webhook)
        #expect(after.sentCount == 4)
        #expect(after.endpointDisabled == nil)
        let ids = receiver.requests.compactMap { $0.headers["webhook-id"] }
        #expect(ids.count == 6 && Set(ids).count == 5)
        #expect(try f.rows().allSatisfy { $0.status == .sent })
    }

    @Test func enablingAnEndpoint_requeuesWhatAnEarlierVersionMarkedFailedForIts410() throws {
        let f = try ReminderFixture()
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        _ = try f.service.sweep()
        let row = try #require(try f.rows().first)
        _ = try f.ledger.db.run("UPDATE reminder_outbox SET status = 'failed', attempts = 1, last_error = 'the endpoint answered 410 Gone' WHERE id = ?", [.integer(row.id)])
        _ = try f.ledger.db.run("INSERT INTO reminder_attempts (outbox_id, at, channel, outcome, error) VALUES (?, 0, 'webhook', 'endpoint_gone', '410')", [.integer(row.id)])
        try f.service.enableEndpoint("https://example.com/hooks")
        #expect(try f.rows().first?.status == .pending)
    }

    @Test func aRedirect_isNotFollowed_andSaysSo() throws {
        for status in [301, 302, 307, 308] {
            let receiver = try TestWebhookReceiver()
            defer { receiver.stop() }
            receiver.answer([(status, ["Location": "http://127.0.0.1:\(receiver.port)/elsewhere"]), (200, [:])])
            let outcome = try channel(receiver).deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400))
            #expect(receiver.requests.map(\.path) == ["/hooks/goodwill"], "\(status)")
            guard case .temporary(let why, _) = outcome else { Issue.record("\(status): expected temporary, got \(outcome)"); continue }
            #expect(why.contains("\(status)") && why.contains("redirect") && why.contains("/elsewhere"))
        }
    }

    /// The answer's body is not used: a receiver that streams one without end must not hold the
    /// sender. `deliver` answers once the status is in, and the status alone decides. The transfer
    /// is cancelled past 64 KiB of body and again when the session is invalidated; on
    /// swift-corelibs-foundation such a cancel is now and then lost (under load, a stream ran on
    /// for the whole 20 s; see 3cdda52), so what is guaranteed is only that the session's timeout
    /// ends it. That bound is what is checked, with a short timeout so the check is quick.
    @Test(arguments: [(200, DeliveryOutcome.delivered), (503, .temporary("the endpoint answered 503", retryAfter: 30))])
    func anEndlessAnswer_isCutOffAtTheLimit_andTheStatusDecides(status: Int, expected: DeliveryOutcome) throws {
        let receiver = try TestWebhookReceiver(answers: [(status, ["Retry-After": "30"])], body: .endless)
        defer { receiver.stop() }
        let timeout: TimeInterval = 6
        let webhook = WebhookChannel(url: receiver.url, secret: try WebhookSecret(parsing: secretText), timeout: timeout)
        let started = Date()
        let outcome = webhook.deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400))
        let seconds = Date().timeIntervalSince(started)
        #expect(outcome == expected)
        // Answered on the status, not after reading to the timeout.
        #expect(seconds < timeout, "took \(seconds) s; reading to the timeout would take \(timeout)")
        // The transfer ends by the timeout at the latest (with slack for a loaded machine): the
        // receiver's writes fail. Without the timeout on the resource it would stream for ever.
        while !receiver.sentBody.hungUp && Date().timeIntervalSince(started) < timeout + 8 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(receiver.sentBody.hungUp, "\(receiver.sentBody.bytes) bytes sent and the sender still reads \(Date().timeIntervalSince(started)) s after it began")
    }

    /// The status decides; the headers beside it are only read for a redirect's Location and a
    /// Retry-After. An endpoint that sends a long one (a 20 KB Location on a 200) still delivered
    /// the message: it must be recorded as sent, not sent again and again.
    @Test func aLongHeaderBesideTheStatus_doesNotHideTheAnswer() throws {
        let long = "http://127.0.0.1/" + String(repeating: "a", count: 20_000)
        let receiver = try TestWebhookReceiver(answers: [(200, ["Location": long, "Retry-After": long])])
        defer { receiver.stop() }
        let webhook = try channel(receiver)
        #expect(webhook.deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400)) == .delivered)
        receiver.answer([(302, ["Location": long])])
        let outcome = webhook.deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400))
        guard case .temporary(let why, _) = outcome else { Issue.record("expected temporary, got \(outcome)"); return }
        #expect(why.hasPrefix("the endpoint answered 302, a redirect to http://127.0.0.1/aaa") && why.count < 1_500, "\(why.prefix(300))")
        // One character may carry any number of combining marks: the cap counts what is sent.
        let combining = "http://127.0.0.1/a" + String(repeating: "\u{0301}", count: 20_000)
        receiver.answer([(200, ["Location": combining, "Retry-After": combining])])
        #expect(webhook.deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400)) == .delivered)
    }

    @Test func anUnreachableEndpoint_isATemporaryFailure() throws {
        let receiver = try TestWebhookReceiver()
        let url = receiver.url
        receiver.stop() // nothing listens on the port any more
        let outcome = WebhookChannel(url: url, secret: try WebhookSecret(parsing: secretText), timeout: 2)
            .deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400))
        guard case .temporary = outcome else { Issue.record("expected temporary, got \(outcome)"); return }
    }

    // The POST is made by the goodwill-webhook program, so that goodwill itself loads no
    // FoundationNetworking (see WebhookChannel). When that program cannot be started, hangs, or
    // answers something else than its JSON, the message is a temporary failure that says why.

    func script(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-webhook-\(UUID().uuidString)").path
        try writeExecutable("#!/bin/sh\n" + text + "\n", to: path)
        return path
    }

    var aRequest: WebhookHelper.Request {
        WebhookHelper.Request(url: "http://127.0.0.1:9/h", timeout: 1, headers: [["webhook-id", "msg_1"]], body: Data("{}".utf8).base64EncodedString())
    }

    @Test func aMissingProgram_isATemporaryFailure_thatSaysWhereItWasLookedFor() throws {
        let outcome = WebhookChannel(url: URL(string: "http://127.0.0.1:9/h")!, secret: try WebhookSecret(parsing: secretText), timeout: 2,
                                     helper: "/nonexistent/goodwill-webhook")
            .deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400))
        guard case .temporary(let text, _) = outcome else { Issue.record("expected temporary, got \(outcome)"); return }
        #expect(text.contains("/nonexistent/goodwill-webhook") && text.contains("GOODWILL_WEBHOOK_HELPER") && text.contains("swift build"), "\(text)")
        #expect(WebhookHelper.problem(at: "/nonexistent/goodwill-webhook") != nil)
        #expect(WebhookHelper.problem(at: WebhookHelper.locate()) == nil, "the built program is found beside the test runner")
    }

    @Test func aProgramThatHangs_isStopped_soTheRunGoesOn() throws {
        let path = try script("exec sleep 30")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let started = Date()
        #expect(WebhookHelper.run(path, aRequest, waitingAtMost: 1) == .failure(.timedOut(path, seconds: 1)))
        #expect(Date().timeIntervalSince(started) < 8)
    }

    @Test func aProgramThatAnswersNonsenseOrFails_isAFailureThatQuotesIt() throws {
        let nonsense = try script("read line; echo hello")
        let failing = try script("read line; echo 'cannot resolve' >&2; exit 3")
        defer { for p in [nonsense, failing] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(WebhookHelper.run(nonsense, aRequest, waitingAtMost: 5)
                == .failure(.failed(nonsense, detail: "it answered something other than its JSON: hello")))
        #expect(WebhookHelper.run(failing, aRequest, waitingAtMost: 5) == .failure(.failed(failing, detail: "exit 3: cannot resolve")))
    }

    /// One program serves a run's deliveries (starting one costs about 25 ms, a tenth of a second
    /// under load); it is started again when it has gone, and a program that went between two
    /// requests (it leaves after a minute idle) costs the delivery nothing.
    @Test func oneProgramServesManyDeliveries_andIsStartedAgainWhenItHasGone() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-webhook-starts-\(UUID().uuidString)").path
        let wrapper = try script("echo started >> '\(log)'; exec '\(WebhookHelper.locate())'")
        let oneShot = try script("echo started >> '\(log)'; read line; echo '{\"status\": 204}'; exit 0")
        defer { for p in [log, wrapper, oneShot] { try? FileManager.default.removeItem(atPath: p) } }
        let starts = { (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0 }

        let receiver = try TestWebhookReceiver()
        defer { receiver.stop() }
        let webhook = WebhookChannel(url: receiver.url, secret: try WebhookSecret(parsing: secretText), timeout: 5, helper: wrapper)
        for n in 0..<3 {
            #expect(webhook.deliver(sampleMessage(), now: Date(timeIntervalSince1970: 1_772_528_400 + Double(n))) == .delivered)
        }
        #expect(receiver.requests.count == 3)
        #expect(starts() == 1, "one program for the three")

        // A program that answers once and leaves, as an idle one does: each request still gets its answer.
        let runner = WebhookHelper.Runner(path: oneShot)
        for _ in 0..<2 { #expect(runner.exchange(aRequest, waitingAtMost: 5) == .success(WebhookHelper.Answer(status: 204))) }
        #expect(starts() == 3)
    }

    /// A long-lived program that writes to stderr with every request must not fill the pipe and
    /// then hang: what it says is read away after each answer.
    @Test func aChattyProgram_doesNotFillItsStderrAndHang() throws {
        let chatty = try script("while read line; do head -c 20000 /dev/zero >&2; echo '{\"status\": 204}'; done")
        defer { try? FileManager.default.removeItem(atPath: chatty) }
        let runner = WebhookHelper.Runner(path: chatty)
        for n in 0..<8 {
            #expect(runner.exchange(aRequest, waitingAtMost: 5) == .success(WebhookHelper.Answer(status: 204)), "request \(n)")
        }
    }

    @Test func aProgramThatDiesMidRequest_isAFailureThatSaysSo() throws {
        let dying = try script("read line; kill -9 $$")
        defer { try? FileManager.default.removeItem(atPath: dying) }
        #expect(WebhookHelper.run(dying, aRequest, waitingAtMost: 5) == .failure(.failed(dying, detail: "killed by signal 9")))
    }

    /// The real program refuses what is not a request for it, with the reason, and exit 2.
    @Test func theProgram_refusesABadRequest_andSaysWhy() throws {
        var request = aRequest
        request.url = "ftp://example.com/h"
        let helper = WebhookHelper.locate()
        #expect(WebhookHelper.run(helper, request, waitingAtMost: 10)
                == .failure(.failed(helper, detail: "exit 2: goodwill-webhook: 'ftp://example.com/h' is not an http or https URL")))
        request = aRequest
        request.body = "not base64!"
        #expect(WebhookHelper.run(helper, request, waitingAtMost: 10) == .failure(.failed(helper, detail: "exit 2: goodwill-webhook: the body is not base64")))
    }

    @Test func secrets_mustBeWhsecBase64OfAtLeast24Bytes() {
        #expect(throws: WebhookSecretError.missingPrefix) { try WebhookSecret(parsing: "abc") }
        #expect(throws: WebhookSecretError.tooShort(8)) { try WebhookSecret(parsing: "whsec_" + Data(count: 8).base64EncodedString()) }
        #expect(WebhookChannel.outcome(status: 429, retryAfter: "30", now: Date()) == .temporary("the endpoint answered 429", retryAfter: 30))
        #expect(WebhookChannel.outcome(status: 404, retryAfter: nil, now: Date()) == .permanent("the endpoint answered 404"))
    }

    /// Retry-After may be a date (RFC 9110 §10.2.3), in any of the three HTTP-date forms; the wait
    /// counts from the send. Past dates are no wait, far ones a day at most, nonsense is left to the backoff.
    @Test func retryAfter_asADate_isTheWaitFromTheSend() throws {
        let now = try #require(RFC3339.parse("2026-10-21T07:27:00Z"))
        for date in ["Wed, 21 Oct 2026 07:28:00 GMT", "Wednesday, 21-Oct-26 07:28:00 GMT", "Wed Oct 21 07:28:00 2026"] {
            #expect(WebhookChannel.outcome(status: 503, retryAfter: date, now: now) == .temporary("the endpoint answered 503", retryAfter: 60), "\(date)")
        }
        #expect(WebhookChannel.retryAfterSeconds("Wed, 21 Oct 2026 07:00:00 GMT", now: now) == 0)
        #expect(WebhookChannel.retryAfterSeconds("Fri, 01 Jan 2027 00:00:00 GMT", now: now) == 86_400)
        #expect(WebhookChannel.retryAfterSeconds("soon", now: now) == nil)
        #expect(WebhookChannel.retryAfterSeconds("-5", now: now) == nil)
    }
}

func sampleMessage(subject: String = "Ditt presentkort väntar på dig", body: String = "Hej!\n") -> OutgoingMessage {
    OutgoingMessage(messageID: "msg_0123456789abcdef0123456789abcdef", kind: .expiryReminder, voucherID: "vch_x", code: "ABCD",
                    language: .sv, fromAddress: "hej@example.com", fromName: "Takvandring Stockholm", toAddress: "anna@example.com",
                    toName: "Anna Öberg", subject: subject, body: body, calendarText: nil, date: Date(timeIntervalSince1970: 1_772_528_400),
                    lastValidDay: LocalDate(iso: "2026-04-02"), expiresAt: nil, balance: sek(500), daysBefore: 30)
}

extension WebhookHelper {
    /// One exchange with a program of its own, started for it and ended after it (the channel
    /// keeps one running with `Runner`).
    static func run(_ path: String, _ request: Request, waitingAtMost seconds: TimeInterval) -> Result<Answer, Problem> {
        Runner(path: path).exchange(request, waitingAtMost: seconds)
    }
}
