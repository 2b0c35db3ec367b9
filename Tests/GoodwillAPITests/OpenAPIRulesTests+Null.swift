import Foundation
import GoodwillCore
import PolicyEngine
import Testing
@testable import GoodwillAPI

/// null in a request body: the schema allows it on exactly the fields the server reads as not
/// given, and refuses it on the others, which the server refuses with 422.
extension OpenAPIRulesTests {
    /// A schema through its `$ref`.
    func resolved(_ doc: [String: Any], _ schema: [String: Any]) throws -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        return try self.schema(doc, String(ref.split(separator: "/").last!))
    }

    /// Whether the schema takes null: by its type, its enum or const, or one of its alternatives.
    func allowsNull(_ doc: [String: Any], _ schema: [String: Any]) throws -> Bool {
        let s = try resolved(doc, schema)
        if s["type"] as? String == "null" || (s["type"] as? [String])?.contains("null") == true { return true }
        if s["const"] is NSNull || (s["enum"] as? [Any])?.contains(where: { $0 is NSNull }) == true { return true }
        for alternative in (s["oneOf"] as? [[String: Any]] ?? []) + (s["anyOf"] as? [[String: Any]] ?? []) where try allowsNull(doc, alternative) {
            return true
        }
        return false
    }

    /// The schema of a field of an object schema (its own property, or one of an alternative's),
    /// and whether that object requires it.
    func field(_ doc: [String: Any], _ schema: [String: Any], _ name: String) throws -> (schema: [String: Any], required: Bool)? {
        let s = try resolved(doc, schema)
        if let found = (s["properties"] as? [String: [String: Any]])?[name] {
            return (found, (s["required"] as? [String] ?? []).contains(name))
        }
        for alternative in (s["oneOf"] as? [[String: Any]] ?? []) + (s["anyOf"] as? [[String: Any]] ?? []) {
            if let found = try field(doc, alternative, name) { return found }
        }
        return nil
    }

    /// Every field of `body` at any depth (not inside an inline policy), by path, with its schema.
    func fields(_ doc: [String: Any], _ schema: [String: Any], _ body: [String: Any], path: [String] = []) throws
        -> [(path: [String], schema: [String: Any], required: Bool)] {
        var found: [(path: [String], schema: [String: Any], required: Bool)] = []
        for (name, value) in body.sorted(by: { $0.key < $1.key }) {
            let (s, required) = try #require(try field(doc, schema, name), "\((path + [name]).joined(separator: "."))")
            found.append((path + [name], s, required))
            if let inner = value as? [String: Any], name != "policy" { found += try fields(doc, s, inner, path: path + [name]) }
        }
        return found
    }

    /// `body` with the field at `path` set to `value`, or taken out when `value` is nil.
    func replacing(_ body: [String: Any], _ path: [String], with value: Any?) -> [String: Any] {
        var copy = body
        copy[path[0]] = path.count == 1 ? value : replacing(body[path[0]] as! [String: Any], Array(path.dropFirst()), with: value)
        return copy
    }

    /// The schema of every request body in the document, on any route and method, by name.
    func requestBodySchemas(_ doc: [String: Any]) throws -> Set<String> {
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let operations = paths.values.flatMap { $0.values.compactMap { $0 as? [String: Any] } }
        let bodies = operations.compactMap { ((($0["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any] }
        // Each by reference, so the tests find it among the components.
        #expect(bodies.allSatisfy { $0["$ref"] is String }, "\(bodies)")
        return Set(bodies.compactMap { ($0["$ref"] as? String)?.split(separator: "/").last.map(String.init) })
    }

    /// A request body of one schema, made afresh for each send (a voucher to void, a case to close).
    typealias RequestBody = (schema: String, make: () async throws -> (path: String, body: [String: Any]))

    /// A server with a policies folder holding generous.json, and that policy as JSON.
    func harnessWithPolicies() throws -> (h: APIHarness, policy: Any, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gw-policies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let generous = try #require(EmbeddedPolicies.policies["generous.json"])
        try Data(generous.utf8).write(to: folder.appendingPathComponent("generous.json"))
        let policy = try JSONSerialization.jsonObject(with: Data(generous.utf8))
        return (try APIHarness(policies: folder.path), policy, folder)
    }

    /// A body the server takes for every request body schema in the document, with every field of
    /// it in one body or another (the tests below hold both).
    func requestBodies(_ h: APIHarness, policy: Any) async throws -> [RequestBody] {
        var people = 0
        func person() -> [String: Any] {
            people += 1
            return ["email": "person\(people)@example.com", "name": "Anna Berg", "locale": "sv", "time_zone": "Europe/Stockholm"]
        }
        let sek: [String: Any] = ["amount": 100, "currency": "SEK"]
        func voucher() async throws -> (id: String, holder: String) {
            let answer = await h.post("/v1/vouchers", #"{"value": {"amount": 100000, "currency": "SEK"}, "holder": {"email": "holder\#(UUID().uuidString)@example.com"}}"#)
            return (try #require(answer.string("id")), try #require(answer.string("holder", "id")))
        }
        let shared = try await voucher()
        let issue: [String: Any] = ["value": sek, "time_zone": "Europe/Stockholm", "holder": person(), "purchaser": person(),
                                    "kind": "experience", "experience": "Dinner for two", "message": "Enjoy"]
        return [
            ("IssueRequest", { ("/v1/vouchers", issue.merging(["validity": ["months": 12], "holder": person(), "purchaser": person()]) { $1 }) }),
            ("IssueRequest", { ("/v1/vouchers", ["value": sek, "validity": ["last_day": "2027-12-31"]]) }),
            ("IssueRequest", { ("/v1/vouchers", ["value": sek, "validity": ["none": true]]) }),
            ("RedemptionRequest", { ("/v1/vouchers/\(shared.id)/redemptions", ["amount": ["amount": 1, "currency": "SEK"], "reference": "till-4"]) }),
            ("ReversalRequest", {
                let entry = await h.post("/v1/vouchers/\(shared.id)/redemptions", #"{"amount": {"amount": 1, "currency": "SEK"}}"#).int("entry", "id")
                return ("/v1/vouchers/\(shared.id)/reversals", ["entry_id": try #require(entry), "reason": "wrong till"])
            }),
            ("ReasonRequest", { ("/v1/vouchers/\(try await voucher().id)/void", ["reason": "sold by mistake"]) }),
            ("ReasonRequest", { ("/v1/vouchers/\(try await voucher().id)/block", ["reason": "reported stolen"]) }),
            ("ReasonRequest", {
                let id = try await voucher().id
                _ = await h.post("/v1/vouchers/\(id)/block")
                return ("/v1/vouchers/\(id)/unblock", ["reason": "found again"])
            }),
            ("AdjustmentRequest", { ("/v1/vouchers/\(shared.id)/adjustments", ["amount": sek, "reason": "goodwill"]) }),
            ("RefundRequest", { ("/v1/vouchers/\(try await voucher().id)/refunds", ["reference": "PAY-\(UUID().uuidString)", "reason": "moved abroad"]) }),
            // Without days the policy decides (here: nothing to extend yet); days beyond it need the override.
            ("ExtensionRequest", { ("/v1/vouchers/\(try await voucher().id)/extensions", ["reason": "travelling", "override": false, "requester": "holder"]) }),
            ("ExtensionRequest", { ("/v1/vouchers/\(try await voucher().id)/extensions", ["days": 30, "reason": "travelling", "override": true]) }),
            ("NoteRequest", { ("/v1/holders/\(shared.holder)/notes", ["text": "Called about the rooftop walk."]) }),
            ("CaseRequest", { ("/v1/cases", ["holder": shared.holder, "subject": "Voucher expired abroad"]) }),
            ("ResolutionRequest", {
                let opened = await h.post("/v1/cases", #"{"holder": "\#(shared.holder)", "subject": "Voucher expired abroad"}"#).int("id")
                return ("/v1/cases/\(try #require(opened))/close", ["resolution": "Extended by 30 days."])
            }),
            ("CloseRequest", { ("/v1/holders/\(try await voucher().holder)/close", ["erase": false, "refund_all": false, "payout_reference": "PAY-\(UUID().uuidString)"]) }),
            ("PolicySource", { ("/v1/policies/validate", ["policy": policy]) }),
            ("PolicySource", { ("/v1/policies/validate", ["file": "generous.json"]) }),
            ("PolicySource", { ("/v1/policies/activate", ["file": "generous.json"]) }),
            ("SimulationRequest", { ("/v1/policies/simulate", ["policy": policy, "from": "2026-01-01", "to": "2026-03-01", "rows": 1]) }),
            ("SimulationRequest", { ("/v1/policies/simulate", ["file": "generous.json"]) }),
        ]
    }

    @Test func nullIsAllowed_onExactlyTheBodyFieldsTheServerReadsAsNotGiven() async throws {
        let (h, policy, folder) = try harnessWithPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let doc = try await document(h)
        let cases = try await requestBodies(h, policy: policy)
        var covered: [String: Set<String>] = [:]
        var nullable: [String] = [], tried: Set<[String]> = []
        for (name, make) in cases {
            let schema = try self.schema(doc, name)
            let (path, body) = try await make()
            let base = await h.post(path, String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            #expect((200..<300).contains(base.status), "\(name) at \(path): \(base.text)")
            // Each field once per schema: a later body of the same schema is there for the fields it adds.
            for (field, fieldSchema, required) in try fields(doc, schema, body) where !tried.contains([name] + field) {
                tried.insert([name] + field)
                if field.count == 1 { covered[name, default: []].insert(field[0]) }
                let allowed = try allowsNull(doc, fieldSchema)
                if allowed { nullable.append("\(name).\(field.joined(separator: "."))") }
                func send(_ value: Any?) async throws -> Answer {
                    let (path, body) = try await make()
                    return await h.post(path, String(decoding: try JSONSerialization.data(withJSONObject: replacing(body, field, with: value)), as: UTF8.self))
                }
                let null = try await send(NSNull()), absent = try await send(nil)
                // Read as not given: answered as the same body without the field (both taken, or refused alike).
                func problem(_ a: Answer) -> [String?] { a.status < 400 ? [] : [a.code, a.string("detail")] }
                let readAsAbsent = null.status == absent.status && problem(null) == problem(absent)
                let what = "\(name) \(field.joined(separator: ".")) null, \(allowed ? "allowed" : "refused") by the schema"
                if allowed {
                    #expect(readAsAbsent, "\(what): \(null.text), left out: \(absent.text)")
                } else {
                    // Refused; where it is read as left out, only because the field is required.
                    #expect(null.status == 422 && null.code == "invalid-request" && (!readAsAbsent || required), "\(what): \(null.status) \(null.text)")
                }
            }
        }
        // Every field of every request body was tried.
        for name in covered.keys {
            let properties = try #require(try schema(doc, name)["properties"] as? [String: Any])
            #expect(covered[name] == Set(properties.keys), "\(name): untried \(Set(properties.keys).subtracting(covered[name] ?? []).sorted())")
        }
        #expect(Set(covered.keys) == (try requestBodySchemas(doc)), "\(covered.keys.sorted())")
        // The bodies' own: a null in an amount, a validity, a person's email or a required text is refused.
        #expect(!nullable.contains { $0.hasSuffix(".amount") || $0.hasSuffix(".currency") || $0.contains("validity.") || $0.hasSuffix(".email") })
    }
}
