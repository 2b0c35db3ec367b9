import Foundation
import HTTPServer
import Ledger
import Synchronization
import Testing
@testable import GoodwillAPI

/// Reports and simulations run on threads and read connections of their own, bounded: while they
/// run (or wait), every other request is answered; past the queue they are refused with 503.
@Suite struct SlowReadsTests {
    @Test(.timeLimit(.minutes(1))) func runningReports_doNotHoldTheRequestPathsReaders_andTheQueueIsBounded() async throws {
        // One reader for the request path: a report holding it would stop every read.
        let h = try APIHarness(readConnections: 1, slowReadThreads: 1, slowReadQueue: 1)
        let issued = try await h.issue()
        let id = try #require(issued.string("id"))
        let auditor = h.keys[.auditor]!

        // Occupy the one slow thread (and its reader) until the test lets go.
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        let gotReader = Mutex(false)
        let submitted = h.api.slowReads.submit { reader, _ in
            gotReader.withLock { $0 = reader != nil }
            holding.signal()
            release.wait()
        }
        #expect(submitted)
        holding.wait()
        #expect(gotReader.withLock { $0 })

        // A report now waits in the queue (its one place)...
        let queued = Task { await h.get("/v1/reports/liability", key: auditor) }
        for _ in 0..<500 where h.api.slowReads.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(h.api.slowReads.waiting == 1)

        // ...while reads and writes on the request path are answered. (On a thread of its own and
        // with a time limit: a request waiting for a reader would block its thread, not fail.)
        let read = answer(within: 10, h, .get, "/v1/vouchers/\(id)")
        #expect(read == 200)
        if read == nil { release.signal() }  // let the blocked request finish
        let write = answer(within: 10, h, .post, "/v1/vouchers/\(id)/redemptions", json: #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(write == 200)

        // A report beyond the queue is refused, saying what to do.
        let overflow = await h.get("/v1/reports/reconciliation", key: auditor)
        #expect(overflow.status == 503)
        #expect(overflow.code == "busy")
        #expect(overflow.headers["Content-Type"]?.hasPrefix("application/problem+json") == true)

        if read != nil { release.signal() }
        let report = await queued.value
        #expect(report.status == 200)
        #expect(report.json["totals"] != nil)
    }

    /// The holder search reads every holder's name: with 200,000 holders one took 0.8 s, and four
    /// at once held `/health` up for over a second. It runs where the reports run: while the one
    /// slow thread is taken it waits in the queue, and beyond the queue it is refused with 503.
    @Test(.timeLimit(.minutes(1))) func holderSearch_runsAsASlowRead_offTheEventLoop() async throws {
        let h = try APIHarness(readConnections: 1, slowReadThreads: 1, slowReadQueue: 1)
        _ = try await h.issue()
        let support = h.keys[.support]!
        // A wrong query is still refused on the spot: nothing is queued for it.
        #expect(await h.get("/v1/holders", key: support).code == "invalid-request")
        #expect(h.api.slowReads.waiting == 0)

        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        #expect(h.api.slowReads.submit { _, _ in holding.signal(); release.wait() })
        holding.wait()

        let queued = Task { await h.get("/v1/holders?q=anna", key: support) }
        for _ in 0..<500 where h.api.slowReads.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let waited = h.api.slowReads.waiting
        #expect(waited == 1, "the search was answered on the event loop")
        let overflow = await h.get("/v1/holders?q=berg", key: support)
        #expect(overflow.status == 503 && overflow.code == "busy", "\(overflow.text)")
        // Too short to search for: refused on the spot, slow thread taken and queue full or not.
        let short = await h.get("/v1/holders?q=%20a%20", key: support)
        #expect(short.status == 422 && short.code == "invalid-request", "\(short.text)")
        #expect(short.text.contains("at least two characters"))
        #expect(h.api.slowReads.waiting == 1)

        release.signal()
        let found = await queued.value
        #expect(found.status == 200)
        #expect((found.json["holders"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["anna@example.com"])
    }

    /// Loading a policy compares every rule with every earlier one: a 1 MB policy took 15 s to
    /// validate, and two at once held `/health` up for 27 s. Validate, activate's check and
    /// simulate load it where the reports run: while the one slow thread is taken they wait in the
    /// queue (activate's write is queued for the writer only once its check has passed).
    @Test(.timeLimit(.minutes(1))) func policyLoads_runAsSlowReads_offTheEventLoop() async throws {
        let h = try APIHarness(readConnections: 1, slowReadThreads: 1, slowReadQueue: 3)
        let policy = #"{"policy": {"id": "queued", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": 30}}]}}"#
        // A wrong body is still refused on the spot: nothing is queued for it.
        #expect(await h.post("/v1/policies/validate", #"{"file": 5}"#, idempotencyKey: nil).code == "invalid-request")
        #expect(h.api.slowReads.waiting == 0)

        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        #expect(h.api.slowReads.submit { _, _ in holding.signal(); release.wait() })
        holding.wait()

        var queued: [Task<Answer, Never>] = []
        for (route, key) in [("validate", nil), ("activate", "activate-queued"), ("simulate", nil)] as [(String, String?)] {
            let before = h.api.slowReads.waiting
            queued.append(Task { await h.post("/v1/policies/\(route)", policy, idempotencyKey: key) })
            for _ in 0..<500 where h.api.slowReads.waiting == before { try await Task.sleep(for: .milliseconds(10)) }
            #expect(h.api.slowReads.waiting == before + 1, "\(route) loaded the policy on the event loop")
        }
        #expect(await h.get("/v1/policies").json["policies"].flatMap { $0 as? [[String: Any]] }?.contains { $0["id"] as? String == "queued" } == false,
                "activate wrote before its check ran")
        let overflow = await h.post("/v1/policies/validate", policy, idempotencyKey: nil)
        #expect(overflow.status == 503 && overflow.code == "busy", "\(overflow.text)")

        release.signal()
        for (task, route) in zip(queued, ["validate", "activate", "simulate"]) {
            let answer = await task.value
            #expect(answer.status == 200, "\(route): \(answer.text)")
        }
        let active = await h.get("/v1/policies").json["policies"].flatMap { $0 as? [[String: Any]] }?.first { $0["active"] as? Bool == true }
        #expect(active?["id"] as? String == "queued")
        // A policy activate's check refuses is answered from the slow thread, and nothing is written.
        let refused = await h.post("/v1/policies/activate", #"{"policy": {"id": "x"}}"#)
        #expect(refused.status == 422 && refused.code == "invalid-policy", "\(refused.text)")
    }

    /// The status `h` answers within `seconds`, or nil; the request runs on a thread of its own.
    func answer(within seconds: Double, _ h: APIHarness, _ method: HTTPMethod, _ target: String, json: String? = nil) -> Int? {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer \(h.admin)"
        if json != nil { headers["Idempotency-Key"] = UUID().uuidString; headers["Content-Type"] = "application/json" }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Data((json ?? "").utf8),
                                  remoteAddress: "192.0.2.7", id: UInt64.random(in: 1...UInt64.max >> 1))
        let status = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread { h.api.handle(request) { response in status.withLock { $0 = response.status.code }; done.signal() } }.start()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return status.withLock { $0 }
    }
}
