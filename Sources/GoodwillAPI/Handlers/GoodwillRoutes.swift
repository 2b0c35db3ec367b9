import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine

/// Goodwill: the policy's dry-run decision for a voucher, extension requests, and the policies.
enum GoodwillRoutes {
    static let routes: [Route] = [
        Route(.get, "/v1/vouchers/{id}/goodwill", .readAll, query: ["requester"], goodwill),
        Route(.post, "/v1/vouchers/{id}/extensions", .extend, extend),
        Route(.get, "/v1/policies", .readAll, policies),
        Route(.post, "/v1/policies/validate", .analysePolicy, onlyReads: true, validate),
        Route(.post, "/v1/policies/activate", .activatePolicy, activate),
        Route(.post, "/v1/policies/simulate", .analysePolicy, onlyReads: true, simulate),
    ]

    static func requester(_ c: RequestContext, default value: Requester) throws -> Requester {
        guard let text = c.query["requester"] else { return value }
        guard let r = Requester(rawValue: text), r == .holder || r == .agent else {
            throw Problem.invalid("requester is holder (the holder asks) or agent (support on its own initiative); got '\(text)'.")
        }
        return r
    }

    static func goodwill(_ c: inout RequestContext) throws -> Reply {
        let decision = try c.ledger.explainGoodwill(c.voucher("id"), requester: try requester(c, default: .holder))
        return .response(JSON.response(decision))
    }

    static func extend(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: ExtensionBody.self, from: c.request)
        let request = ExtensionRequest(days: body.days, reason: body.reason, override: body.override ?? false,
                                       requester: body.requester ?? .holder, role: c.principal?.role.rawValue ?? "")
        return .command(.extend(c.voucher("id"), request), idempotencyKey: c.idempotencyKey,
                        render: VoucherRoutes.receipt)
    }

    static func policies(_ c: inout RequestContext) throws -> Reply {
        .response(JSON.response(["policies": try c.ledger.policyInfos()]))
    }

    /// `{"file": "generous.json"}` from the server's policies folder, or `{"policy": {…}}` inline.
    static func policySource(_ c: RequestContext, allowed: Set<String>) throws -> (data: Data, fileName: String, object: [String: Any]) {
        guard !c.request.body.isEmpty else { throw Problem.malformedJSON("the body is empty") }
        // Before either parser: JSONSerialization and JSONSpan could each take another of two
        // 'policy' members, or read a lenient body (a trailing comma) apart.
        try JSONKeys.gate(c.request.body)
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: c.request.body) } catch { throw Problem.malformedJSON("it does not parse") }
        guard let object = parsed as? [String: Any] else { throw Problem.invalid("The body is a JSON object with 'file' or 'policy'.") }
        let unknown = object.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else { throw Problem.invalid("Unknown field '\(unknown[0])'. This route takes \(allowed.sorted().joined(separator: ", ")).") }
        switch (object["file"], object["policy"]) {
        case (let file as String, nil):
            guard let dir = c.api.configuration.policiesDirectory else {
                throw Problem.invalid("This server has no policies folder (serve --policies DIR); send the policy itself as {\"policy\": {…}}.")
            }
            guard !file.contains("/"), !file.hasPrefix("."), file.hasSuffix(".json"), file.utf8.count <= 200 else {
                throw Problem.invalid("file names a policy file in the server's policies folder, like generous.json.")
            }
            guard let data = FileManager.default.contents(atPath: dir + "/" + file), data.count <= 1 << 20 else {
                throw Problem(.notFound, code: "policy-file-not-found", detail: "The server's policies folder has no file '\(file)'. GET /v1/policies lists stored versions.")
            }
            return (data, file, object)
        case (nil, _ as [String: Any]):
            guard let data = JSONSpan.member("policy", in: c.request.body) else { throw Problem.invalid("policy is not a JSON object.") }
            return (data, "inline.json", object)
        case (.some, .some), (nil, nil):
            throw Problem.invalid("Give exactly one of 'file' (a file in the server's policies folder) or 'policy' (the policy document).")
        case (.some, nil):
            throw Problem.invalid("'file' must be a string (a file name in the server's policies folder, like generous.json).")
        case (nil, .some):
            throw Problem.invalid("'policy' must be a JSON object (the policy document itself).")
        }
    }

    static func validate(_ c: inout RequestContext) throws -> Reply {
        let source = try policySource(c, allowed: BodyFields.policy)
        let data = source.data, fileName = source.fileName
        // Checked against this server's database as activate would be: a version stored with other
        // content is refused here, in activate's words, before anyone tries. Loading a policy of
        // many rules takes time (`PolicyLoader.maxRules`): off the event loop, as reports are.
        return .slow { ledger in
            let check = try ledger.checkPolicy(data: data, fileName: fileName)
            let p = check.policy
            return JSON.response(JSONValue.object([
                "valid": .bool(true), "id": .string(p.id), "version": .integer(Int64(p.version)),
                "rules": .integer(Int64(p.rules.count)), "hash": .string(p.contentHash),
                "stored": .bool(check.stored), "active": .bool(check.active),
            ]))
        }
    }

    static func activate(_ c: inout RequestContext) throws -> Reply {
        // Checked before the handler, as on every write (`Route.needsIdempotencyKey`): without one
        // the answer is 400 idempotency-key-required, not a policy file not found or an invalid policy.
        let key = c.idempotencyKey
        let source = try policySource(c, allowed: BodyFields.policy)
        let actor = c.actor, data = source.data, fileName = source.fileName
        let fingerprints = IdempotentWrite.Fingerprints(route: c.route.name, body: c.request.body)
        // Refused before the write queue as the write would refuse it (a version stored before a
        // later check is read as stored, so rolling back to it works here too); the check loads the
        // policy, so it runs off the event loop as validate does.
        return .checkedWrite(check: { ledger in _ = try ledger.checkPolicy(data: data, fileName: fileName) }) { ledger in
            try IdempotentWrite.run(ledger, actor: actor, key: key, fingerprints) {
                JSON.response(try ledger.activatePolicy(data: data, fileName: fileName, actor: actor))
            }
        }
    }

    static func simulate(_ c: inout RequestContext) throws -> Reply {
        let source = try policySource(c, allowed: BodyFields.simulation)
        func day(_ name: String) throws -> LocalDate? {
            guard let value = source.object[name] else { return nil }
            guard let text = value as? String, let d = LocalDate(iso: text) else { throw Problem.invalid("\(name) is a day as YYYY-MM-DD.") }
            return d
        }
        let from = try day("from"), to = try day("to")
        // Typed, as other bodies are (JSONSerialization reads "rows": true as 1), from its own bytes.
        let rowLimit = try SimulationBody.rows(in: c.request.body, object: source.object)
        // Loading the policy and replaying history can take seconds: off the event loop, on its own read connection.
        let data = source.data, fileName = source.fileName
        return .slow { ledger in
            let policy = try ledger.validatePolicy(data: data, fileName: fileName)
            return JSON.response(try ledger.simulate(policy, from: from, to: to, rowLimit: rowLimit))
        }
    }
}
