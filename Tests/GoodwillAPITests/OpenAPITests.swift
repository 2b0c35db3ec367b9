import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine
import Support
import Testing
@testable import GoodwillAPI

@Suite struct OpenAPITests {
    func document() async throws -> [String: Any] {
        let h = try APIHarness()
        let a = await h.send(.get, "/openapi.json")
        #expect(a.status == 200 && a.headers["Content-Type"] == "application/json")
        return a.json
    }

    /// A reminder as served has only the fields the Reminder schema names, every required one, and
    /// its history items likewise; the closed sets (kind, recipient, status, outcome) hold.
    @Test func aServedReminder_isWhatTheReminderSchemaSays() async throws {
        let h = try APIHarness()
        let v = try await h.issue()
        let id = try #require(v.string("id"))
        let ledger = try h.ledger()
        try ledger.db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role, send_zone, due_at,
                                         created_at, status, attempts, next_attempt_at, channel, sent_at)
            VALUES ('msg-a', ?1, 'expiry_reminder', 30, 1790000000000, 0, 'holder', 'Europe/Stockholm', 1780000000000, 1780000000000,
                    'sent', 2, 0, 'webhook', 1780000300000),
                   ('msg-b', ?1, 'refund_closing', 0, 0, 7, 'holder', 'Europe/Stockholm', 1780000000000, 1780000000000,
                    'pending', 1, 1780000600000, 'maildir', NULL)
            """, [.text(id)])
        let sent = Int64(try ledger.db.scalarInt("SELECT id FROM reminder_outbox WHERE message_id = 'msg-a'"))
        try ledger.db.run("""
            INSERT INTO reminder_attempts (outbox_id, at, channel, outcome, error)
            VALUES (?1, 1780000100000, 'webhook', 'temporary', 'the endpoint answered 503'), (?1, 1780000300000, 'webhook', 'sent', NULL)
            """, [.integer(sent)])
        let served = try #require(await h.get("/v1/reminders").json["reminders"] as? [[String: Any]])
        #expect(served.count == 2)

        let schemas = try #require((try await document()["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let reminder = try #require(schemas["Reminder"])
        let properties = try #require(reminder["properties"] as? [String: [String: Any]])
        let required = Set(try #require(reminder["required"] as? [String]))
        let item = try #require((properties["history"]?["items"]) as? [String: Any])
        let itemProperties = try #require(item["properties"] as? [String: [String: Any]])
        func allowed(_ field: [String: Any]?, _ value: Any?) -> Bool {
            guard let values = field?["enum"] as? [String] else { return true }
            return (value as? String).map(values.contains) ?? false
        }
        var seen: Set<String> = []
        for r in served {
            seen.formUnion(r.keys)
            #expect(Set(r.keys).isSubset(of: Set(properties.keys)), "undocumented: \(Set(r.keys).subtracting(properties.keys).sorted())")
            #expect(required.isSubset(of: Set(r.keys)), "missing: \(required.subtracting(r.keys).sorted())")
            for name in ["kind", "recipient", "status"] { #expect(allowed(properties[name], r[name]), "\(name): \(r[name] ?? "nil")") }
            for attempt in (r["history"] as? [[String: Any]]) ?? [] {
                #expect(Set(attempt.keys).isSubset(of: Set(itemProperties.keys)), "\(attempt.keys.sorted())")
                #expect(allowed(itemProperties["outcome"], attempt["outcome"]))
            }
        }
        // Between them the two rows serve every documented field but the cancel ones (no row here is cancelled).
        #expect(Set(properties.keys).subtracting(seen) == ["cancelled_at", "cancel_kind", "last_error"], "\(Set(properties.keys).subtracting(seen).sorted())")
    }

    /// The document's bounds on whole numbers are the services' own ranges, not copies that could
    /// drift: every parameter or property of these names with bounds has these.
    @Test func theDocumentedRanges_areTheServicesRanges() async throws {
        var found: [String: Set<String>] = [:]
        func walk(_ value: Any, key: String?) {
            if let object = value as? [String: Any] {
                let schema = (object["schema"] as? [String: Any]) ?? object
                if let name = (object["name"] as? String) ?? key, let low = schema["minimum"] as? Int, let high = schema["maximum"] as? Int {
                    found[name, default: []].insert("\(low)...\(high)")
                }
                for (k, v) in object { walk(v, key: k) }
            } else if let array = value as? [Any] {
                for v in array { walk(v, key: nil) }
            }
        }
        walk(try await document(), key: nil)
        func text(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)...\(r.upperBound)" }
        #expect(found["expiring_within_days"] == [text(VoucherFilter.expiringWithinDaysRange)])
        #expect(found["months"] == [text(Validity.monthsRange)])
        #expect(found["days"] == [text(PersonalDecision.daysRange), text(SupportService.expiringReportDays)], "\(found)")
    }

    @Test func everyRoutedRouteIsDocumented_andEveryDocumentedPathIsRouted() async throws {
        let doc = try await document()
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        let routed = Set(GoodwillAPI.routes.map(\.name))
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.count == GoodwillAPI.routes.count, "two routes share a method and pattern")
    }

    @Test func documentedRolesAreTheRolesTheServerLetsIn() async throws {
        let paths = try #require(try await document()["paths"] as? [String: [String: [String: Any]]])
        for route in GoodwillAPI.routes {
            let op = try #require(paths[route.pattern]?[route.method.rawValue.lowercased()])
            let roles = Set((op["x-roles"] as? [String]) ?? [])
            let allowed = Set(Role.allCases.filter { r in route.permission.map { r.allows($0) } ?? false }.map(\.rawValue))
            #expect(roles == allowed, "\(route.name): documented \(roles.sorted()), served \(allowed.sorted())")
            let security = op["security"] as? [Any]
            #expect((route.permission == nil) == (security?.isEmpty == true), "\(route.name): security does not say whether a key is needed")
            for (status, _) in (op["responses"] as? [String: Any]) ?? [:] {
                #expect(Int(status) != nil, "\(route.name): response \(status)")
            }
        }
    }

    /// Answers the server gives that once were missing from the document.
    @Test func statusesServedAreDocumentedForTheirRoute() async throws {
        let h = try APIHarness()
        let paths = try #require(await h.send(.get, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
        func documented(_ method: String, _ pattern: String) -> Set<String> {
            Set(((paths[pattern]?[method]?["responses"]) as? [String: Any])?.keys.map { $0 } ?? [])
        }
        let forever = try await h.issue(validity: #"{"none": true}"#)
        let id = try #require(forever.string("id"))
        let dryRun = await h.get("/v1/vouchers/\(id)/goodwill")
        #expect(dryRun.status == 409 && dryRun.code == "no-expiry")
        #expect(documented("get", "/v1/vouchers/{id}/goodwill").contains("409"))
        // Reports and simulations are refused with 503 when too many run (SlowReadsTests).
        #expect(documented("get", "/v1/reports/{name}").contains("503"))
        #expect(documented("post", "/v1/policies/simulate").contains("503"))
        // A book whose sums do not fit in 64 bits: every report by name is refused with 409
        // total-too-large (the ageing as the liability), as the roll-forward documents it.
        for day in ["2027-01-15", "2027-02-15"] { _ = try await h.issue(validity: #"{"last_day": "\#(day)"}"#) }
        try h.ledger().db.run("UPDATE vouchers SET value = ?1, balance = ?1 WHERE id <> ?2", [.integer(Int64.max / 2 + 1), .text(id)])
        for name in ["liability", "ageing"] {
            let answer = await h.get("/v1/reports/\(name)", key: h.keys[.auditor]!)
            #expect(answer.status == 409 && answer.code == "total-too-large", "\(name): \(answer.status) \(answer.text)")
        }
        #expect(documented("get", "/v1/reports/{name}").contains("409"))
        #expect(documented("get", "/v1/reports/rollforward").contains("409"))
    }

    /// Every route refuses a query parameter it does not take with 422 invalid-request (before its
    /// handler runs, also where it takes none), so every operation documents 422.
    @Test func everyRouteRefusesAnUnknownQueryParameter_andDocuments422() async throws {
        let h = try APIHarness()
        let paths = try #require(await h.send(.get, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
        for route in GoodwillAPI.routes {
            let path = route.segments.map { segment -> String in
                switch segment {
                case .literal(let l): return l
                case .parameter: return "x"
                }
            }.joined(separator: "/")
            let answer = await h.send(route.method, "/\(path)?unknown_parameter=1", key: route.permission == nil ? nil : h.admin,
                                      json: route.method == .post ? "{}" : nil, idempotencyKey: route.method == .post ? "q-1" : nil)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(route.name): \(answer.status) \(answer.text)")
            let responses = (paths[route.pattern]?[route.method.rawValue.lowercased()]?["responses"] as? [String: Any]) ?? [:]
            #expect(responses["422"] != nil, "\(route.name) answers 422 to an unknown query parameter but does not document it")
        }
    }

    @Test func everyProblemCodeTheLedgerCanGive_isDocumented() async throws {
        let doc = try await document()
        let problem = (((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Problem"] as? [String: Any])
        let codes = Set((((problem?["properties"] as? [String: Any])?["code"] as? [String: Any])?["enum"] as? [String]) ?? [])
        let day = LocalDate(iso: "2026-01-01")!
        let errors: [LedgerError] = [.voucherNotFound(""), .codeTypo(""), .invalidCode(""), .invalidAmount(""), .amountNotPositive(.init(minorUnits: 0, currency: .sek), isValue: false), .currencyMismatch(voucher: .sek, requested: .sek),
            .insufficientBalance(balance: .init(minorUnits: 0, currency: .sek), requested: .init(minorUnits: 0, currency: .sek)),
            .voucherExpired(lastValidDay: day), .voucherVoided, .voucherRefunded, .voucherBlocked, .voucherFullyUsed, .entryNotFound(1),
            .notARedemption(1, kind: ""), .importedRedemption(1), .alreadyReversed(1), .alreadyInState(.active), .notBlocked, .nothingToRefund, .idempotencyConflict(key: ""),
            .invalidRequest(""), .invalidValidity(.monthsOutOfRange(0)), .belowLegalMinimum(""), .invalidPolicy(""), .notPermitted(""), .overrideRequired(""), .noExpiry]
        for e in errors {
            #expect(codes.contains(e.code), "\(e.code) is not documented")
            // And its status is one the document lists for it.
            let status = Problem.from(e).status.code
            #expect([403, 404, 409, 422].contains(status), "\(e.code) → \(status)")
        }
    }
}
