import Foundation
import RepositoryFiles
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine
import Testing
@testable import GoodwillAPI

@Suite struct PublicBalanceTests {
    @Test func showsStatusBalanceAndExpiry_andNothingPersonal() async throws {
        let h = try APIHarness()
        let v = try await h.issue(amount: 25000, validity: #"{"last_day": "2026-12-31"}"#)
        let a = await h.send(.get, "/v1/public/balance/\(try #require(v.string("code")))")
        #expect(a.status == 200)
        #expect(Set(a.json.keys) == ["status", "balance", "expires_at", "last_valid_day"])
        #expect(a.int("balance", "amount") == 25000 && a.string("last_valid_day") == "2026-12-31" && a.string("status") == "active")
        #expect(!a.text.contains("anna") && !a.text.contains("vch_") && a.headers["Cache-Control"] == "no-store")
    }

    @Test func unknownMistypedAndMalformedCodes_getTheSameAnswer() async throws {
        let h = try APIHarness()
        let v = try await h.issue()
        let code = try #require(v.string("code"))
        // One symbol changed: the check symbol catches it, yet the answer must not say so.
        let typo = String(code.prefix(3)) + (code.dropFirst(3).first == "A" ? "B" : "A") + String(code.dropFirst(4))
        let id = try #require(v.string("id"))
        var bodies: Set<String> = []
        for (i, guess) in [typo, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-Z", "not a code", id].enumerated() {
            let a = await h.send(.get, "/v1/public/balance/\(guess.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)", remoteAddress: "198.51.100.\(i)")
            #expect(a.status == 404 && a.code == "voucher-not-found", "\(guess): \(a.text)")
            bodies.insert(a.json["detail"] as? String ?? "")
        }
        #expect(bodies.count == 1)
    }

    @Test func aClientIsLimitedPerAddress_with429AndRetryAfter() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 3, refillPerSecond: 1.0 / 6, freeMisses: 100))
        let code = try #require(try await h.issue().string("code"))
        for _ in 0..<3 { #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "203.0.113.5").status == 200) }
        let limited = await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "203.0.113.5")
        #expect(limited.status == 429 && limited.code == "rate-limited" && limited.headers["Retry-After"] == "6")
        // Another address is not affected; and time refills the bucket.
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "203.0.113.6").status == 200)
        h.elapse(seconds: 6)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "203.0.113.5").status == 200)
    }

    @Test func anIPv6ClientIsCountedByItsSlash64() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 2, refillPerSecond: 1.0 / 60, freeMisses: 100))
        let code = try #require(try await h.issue().string("code"))
        // Rotating the interface half of the address does not give a fresh allowance...
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "2001:db8:0:1::a").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "2001:db8:0:1:ffff:1:2:3").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "2001:db8::1:dead:beef:0:1").status == 429)
        // ...another /64 has its own; an IPv4 address mapped into IPv6 is that IPv4 client.
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "2001:db8:0:2::a").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "198.51.100.4").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "::ffff:198.51.100.4").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "198.51.100.4").status == 429)
        #expect(RateLimiter.clientKey("2001:DB8:0:1:2:3:4:5") == "2001:db8:0:1::/64")
        #expect(RateLimiter.clientKey("192.0.2.7") == "192.0.2.7")
    }

    @Test func aFloodOfNewAddresses_doesNotForgetALockout() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 1000, refillPerSecond: 1000, freeMisses: 0, baseLockout: 60, maxClients: 10))
        let code = try #require(try await h.issue().string("code"))
        #expect(await h.send(.get, "/v1/public/balance/AAAA-AAAA-AAAA-AAAA-A", remoteAddress: "192.0.2.1").status == 404)
        for i in 2..<40 { _ = await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "192.0.2.\(i)") }
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "192.0.2.1").status == 429)
    }

    @Test func repeatedUnknownCodes_lockTheAddressOutForLongerEachTime() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 1000, refillPerSecond: 1000, freeMisses: 3, baseLockout: 2))
        let code = try #require(try await h.issue().string("code"))
        let address = "192.0.2.99"
        for _ in 0..<3 { #expect(await h.send(.get, "/v1/public/balance/AAAA-AAAA-AAAA-AAAA-A", remoteAddress: address).status == 404) }
        #expect(await h.send(.get, "/v1/public/balance/BBBB-BBBB-BBBB-BBBB-B", remoteAddress: address).status == 404)
        // The fourth miss locked the address for 2 s: even a right code waits.
        let locked = await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: address)
        #expect(locked.status == 429 && locked.headers["Retry-After"] == "2")
        h.elapse(seconds: 2)
        #expect(await h.send(.get, "/v1/public/balance/CCCC-CCCC-CCCC-CCCC-C", remoteAddress: address).status == 404)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: address).headers["Retry-After"] == "4")
        h.elapse(seconds: 4)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: address).status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)", remoteAddress: "192.0.2.100").status == 200)
    }

    /// The limiter runs on the monotonic clock: when the system clock is stepped back (NTP, an
    /// operator), tokens refill and lockouts end on time instead of waiting for it to catch up.
    @Test func aWallClockSteppedBack_doesNotStopTheRefill() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 1, refillPerSecond: 1.0 / 6, freeMisses: 100))
        let code = try #require(try await h.issue().string("code"))
        #expect(await h.send(.get, "/v1/public/balance/\(code)").status == 200)
        #expect(await h.send(.get, "/v1/public/balance/\(code)").headers["Retry-After"] == "6")
        h.clock.advance(seconds: -3600)
        h.uptime.advance(seconds: 6)
        #expect(await h.send(.get, "/v1/public/balance/\(code)").status == 200)
        // And a step forward does not hand out a burst of tokens either.
        h.clock.advance(seconds: 86_400)
        #expect(await h.send(.get, "/v1/public/balance/\(code)").status == 429)
    }

    @Test func aWallClockSteppedBack_doesNotLengthenALockout() async throws {
        let h = try APIHarness(publicBalance: .init(burst: 1000, refillPerSecond: 1000, freeMisses: 0, baseLockout: 2))
        let code = try #require(try await h.issue().string("code"))
        #expect(await h.send(.get, "/v1/public/balance/AAAA-AAAA-AAAA-AAAA-A").status == 404)
        #expect(await h.send(.get, "/v1/public/balance/\(code)").headers["Retry-After"] == "2")
        h.clock.advance(seconds: -3600)
        h.uptime.advance(seconds: 2)
        #expect(await h.send(.get, "/v1/public/balance/\(code)").status == 200)
    }
}

@Suite struct OperationsTests {
    @Test func healthNeedsNothing() async throws {
        let h = try APIHarness()
        let a = await h.send(.get, "/health")
        #expect(a.status == 200 && a.string("status") == "ok" && a.headers["X-Request-Id"]?.hasPrefix("req_") == true)
    }

    @Test func metricsCountRequestsByRouteAndStatus_vouchersByStatus_andRedemptions() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        _ = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        _ = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 99999999, "currency": "SEK"}}"#)
        _ = await h.get("/v1/vouchers/\(id)")
        let other = try #require(try await h.issue().string("id"))
        _ = await h.post("/v1/vouchers/\(other)/void")
        let text = await h.send(.get, "/metrics").text
        #expect(text.contains(#"goodwill_http_requests_total{route="POST /v1/vouchers/{id}/redemptions",status="200"} 1"#))
        #expect(text.contains(#"goodwill_http_requests_total{route="POST /v1/vouchers/{id}/redemptions",status="409"} 1"#))
        #expect(text.contains(#"goodwill_http_requests_total{route="POST /v1/vouchers",status="201"} 2"#))
        #expect(text.contains(#"goodwill_http_request_duration_seconds_bucket{route="GET /v1/vouchers/{code-or-id}",le="+Inf"} 1"#))
        #expect(text.contains(#"goodwill_http_request_duration_seconds_count{route="GET /v1/vouchers/{code-or-id}"} 1"#))
        #expect(text.contains(#"goodwill_vouchers{status="active"} 1"#) && text.contains(#"goodwill_vouchers{status="voided"} 1"#))
        #expect(text.contains("goodwill_redemptions_total 1\n"))
        #expect(text.contains("# TYPE goodwill_http_request_duration_seconds histogram"))
        // Two issues, two redemptions (one refused) and a void went through the writer.
        #expect(text.contains("goodwill_writer_commands_total 5\n"))
        #expect(text.contains("# TYPE goodwill_wal_restarts_total counter\ngoodwill_wal_restarts_total 0\n"))
        #expect(text.contains("# TYPE goodwill_wal_restart_seconds_total counter\ngoodwill_wal_restart_seconds_total 0.0\n"))
        #expect(!text.contains(id), "metrics must not name vouchers")
    }

    /// The stage times an operator divides by commands to see where a slow write waited.
    @Test func writerStageTimes_startAtZero_andGrowWithDurableWrites() async throws {
        let h = try APIHarness(durable: true)
        func counter(_ name: String) async -> Double? {
            let text = await h.send(.get, "/metrics").text
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else { return nil }
            return Double(line.dropFirst(name.count + 1))
        }
        let names = ["goodwill_writer_queued_seconds_total", "goodwill_writer_transaction_seconds_total",
                     "goodwill_writer_sync_wait_seconds_total", "goodwill_writer_syncing_seconds_total"]
        for name in names { #expect(await counter(name) == 0, "\(name) before any write") }
        let id = try #require(try await h.issue().string("id"))
        #expect(await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#).status == 200)
        // Every write was queued, committed and then covered by an fdatasync, each taking some time.
        #expect((await counter("goodwill_writer_queued_seconds_total") ?? 0) > 0)
        #expect((await counter("goodwill_writer_transaction_seconds_total") ?? 0) > 0)
        #expect((await counter("goodwill_writer_syncing_seconds_total") ?? 0) > 0)
        #expect((await counter("goodwill_writer_sync_wait_seconds_total") ?? -1) >= 0)
        #expect(h.api.commitStatistics.syncs >= 1)
    }
}

@Suite struct GoodwillAndSupportRoutesTests {
    @Test func theGoodwillDryRunExplains_andChangesNothing() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(validity: #"{"last_day": "2026-03-10"}"#).string("id"))
        h.clock.set(instant("2026-03-28T10:00:00Z"))
        let a = await h.get("/v1/vouchers/\(id)/goodwill")
        #expect(a.status == 200 && a.string("outcome") == "grant" && (a.json["trace"] as? [String])?.isEmpty == false)
        #expect(a.string("policy", "id") == "default")
        #expect(await h.get("/v1/vouchers/\(id)").string("last_valid_day") == "2026-03-10")
        #expect(await h.get("/v1/vouchers/\(id)/goodwill?requester=robot").status == 422)
    }

    @Test func anExtensionRequestIsDecidedByThePolicy_andOverrideIsForSupportAndAdmin() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(validity: #"{"last_day": "2026-03-10"}"#).string("id"))
        h.clock.set(instant("2026-03-28T10:00:00Z"))
        let granted = await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "I was ill"}"#, key: h.keys[.support])
        #expect(granted.status == 200 && granted.string("decision", "outcome") == "grant", "\(granted.text)")
        #expect(granted.string("voucher", "last_valid_day") != "2026-03-10")
        let entries = (await h.get("/v1/vouchers/\(id)/entries").json["entries"] as? [[String: Any]]) ?? []
        #expect(entries.last?["kind"] as? String == "extended" && entries.last?["actor"] as? String == "support-key")
        let tooMuch = await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "generous", "days": 3000}"#)
        #expect(tooMuch.status == 422 && tooMuch.code == "override-required", "\(tooMuch.text)")
        let badDays = await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "x", "days": 0}"#)
        #expect(badDays.status == 422)
    }

    @Test func policiesAreListedValidatedSimulatedAndActivated() async throws {
        let h = try APIHarness(policies: Self.policiesFolder)
        let list = await h.get("/v1/policies")
        #expect(((list.json["policies"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == "default" && $0["active"] as? Bool == true })
        let valid = await h.post("/v1/policies/validate", #"{"file": "generous.json"}"#)
        #expect(valid.status == 200 && valid.string("id") == "generous" && valid.json["valid"] as? Bool == true)
        let broken = await h.post("/v1/policies/validate", #"{"policy": {"id": "x"}}"#)
        #expect(broken.status == 422 && broken.code == "invalid-policy")
        let escape = await h.post("/v1/policies/validate", #"{"file": "../../etc/passwd"}"#)
        #expect(escape.status == 422)
        let missing = await h.post("/v1/policies/validate", #"{"file": "nope.json"}"#)
        #expect(missing.status == 404 && missing.code == "policy-file-not-found")
        let simulation = await h.post("/v1/policies/simulate", #"{"file": "strict.json", "from": "2025-01-01", "to": "2026-03-01"}"#)
        #expect(simulation.status == 200 && simulation.json["vouchers"] != nil, "\(simulation.text)")
        let activated = await h.post("/v1/policies/activate", #"{"file": "generous.json"}"#, idempotencyKey: "activate-1")
        #expect(activated.status == 200 && activated.string("id") == "generous" && activated.json["active"] as? Bool == true)
        let replay = await h.post("/v1/policies/activate", #"{"file": "generous.json"}"#, idempotencyKey: "activate-1")
        #expect(replay.status == 200 && replay.headers["Idempotent-Replayed"] == "true" && replay.string("id") == "generous")
        let conflict = await h.post("/v1/policies/activate", #"{"file": "strict.json"}"#, idempotencyKey: "activate-1")
        #expect(conflict.status == 422 && conflict.code == "idempotency-conflict")
        #expect(await h.post("/v1/policies/activate", #"{"file": "generous.json"}"#, idempotencyKey: nil).status == 400)
    }

    /// 'file' or 'policy' of the wrong type is told its type, not that exactly one must be given.
    @Test func aPolicySourceOfTheWrongType_isToldTheTypeItTakes() async throws {
        let h = try APIHarness(policies: Self.policiesFolder)
        let file = "'file' must be a string (a file name in the server's policies folder, like generous.json)."
        let policy = "'policy' must be a JSON object (the policy document itself)."
        let both = "Give exactly one of 'file' (a file in the server's policies folder) or 'policy' (the policy document)."
        for (route, body, detail) in [
            ("validate", #"{"file": 5}"#, file), ("validate", #"{"file": null}"#, file), ("validate", #"{"policy": []}"#, policy),
            ("validate", #"{"policy": "generous.json"}"#, policy), ("validate", #"{}"#, both),
            ("validate", #"{"file": "generous.json", "policy": {}}"#, both),
            ("simulate", #"{"file": ["generous.json"]}"#, file), ("activate", #"{"policy": 1}"#, policy),
        ] {
            let answer = await h.post("/v1/policies/\(route)", body)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(route) \(body): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail, "\(route) \(body)")
        }
        #expect(await h.get("/v1/policies").json["policies"].flatMap { $0 as? [[String: Any]] }?.first { $0["active"] as? Bool == true }?["id"] as? String == "default")
    }

    static var policiesFolder: String { Repository.file("Policies").path }

    @Test func aHolderWithTheirVouchers() async throws {
        let h = try APIHarness()
        let v = try await h.issue()
        _ = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "SEK"}, "holder": {"email": "erik@example.com"}, "purchaser": {"email": "anna@example.com"}}"#)
        let holderID = try #require(v.string("holder", "id"))
        let a = await h.get("/v1/holders/\(holderID)")
        #expect(a.status == 200 && a.string("profile", "email") == "anna@example.com")
        // One voucher she holds and one she bought for Erik, each marked with her role in it.
        let roles = (a.json["vouchers"] as? [[String: Any]])?.compactMap { $0["role"] as? String }.sorted()
        #expect(roles == ["holder", "purchaser"])
        let missing = await h.get("/v1/holders/hld_0000000000000000")
        #expect(missing.status == 404 && missing.code == "holder-not-found")
    }

    @Test func remindersAreListedAndAFailedOneIsSentAgainOnce() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let ledger = try h.ledger()
        try ledger.db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, attempts, next_attempt_at, last_error)
            VALUES ('m-1', ?, 'expiry_reminder', 'holder', 'Europe/Stockholm', 0, 0, 'failed', 5, 0, 'mailbox full')
            """, [.text(id)])
        let failed = await h.get("/v1/reminders?status=failed")
        let rid = try #require(((failed.json["reminders"] as? [[String: Any]])?.first?["id"]) as? Int)
        #expect(((await h.get("/v1/vouchers/\(id)/reminders").json["reminders"] as? [Any])?.count) == 1)
        let retry = await h.post("/v1/reminders/\(rid)/retry", "", idempotencyKey: "retry-1")
        #expect(retry.status == 200 && retry.string("status") == "pending", "\(retry.text)")
        let again = await h.post("/v1/reminders/\(rid)/retry", "", idempotencyKey: "retry-1")
        #expect(again.status == 200 && again.headers["Idempotent-Replayed"] == "true")
        let second = await h.post("/v1/reminders/\(rid)/retry", "", idempotencyKey: "retry-2")
        #expect(second.status == 409 && second.code == "reminder-not-failed")
        #expect(await h.post("/v1/reminders/999/retry", "").status == 404)
        #expect(await h.get("/v1/reminders?status=lost").status == 422)
    }
}
