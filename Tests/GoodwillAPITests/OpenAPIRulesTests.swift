import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// The rules the document states on request fields are the server's: a value the schema refuses
/// the server refuses, and the values at the schema's edge the server takes (issue #4: a schema-valid
/// request must not be refused with 422). Where a rule cannot be stated (a time zone this machine does
/// not know, an Idempotency-Key already used) the document says so in words instead.
@Suite struct OpenAPIRulesTests {
    func document(_ h: APIHarness) async throws -> [String: Any] { await h.get("/openapi.json").json }

    func schema(_ doc: [String: Any], _ name: String) throws -> [String: Any] {
        try #require(((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any], "\(name)")
    }

    func property(_ doc: [String: Any], _ schema: String, _ name: String) throws -> [String: Any] {
        try #require((try self.schema(doc, schema)["properties"] as? [String: Any])?[name] as? [String: Any], "\(schema).\(name)")
    }

    func operation(_ doc: [String: Any], _ method: String, _ path: String) throws -> [String: Any] {
        try #require(((doc["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any], "\(method) \(path)")
    }

    func queryParameter(_ op: [String: Any], _ name: String) -> [String: Any]? {
        ((op["parameters"] as? [[String: Any]]) ?? []).first { $0["in"] as? String == "query" && $0["name"] as? String == name }
    }

    /// As JSON Schema reads a pattern (ECMA-262): `$` is the end of the text only, where ICU would
    /// also let it stand before a final newline; so the match must cover the whole text.
    func matches(_ pattern: String, _ text: String) throws -> Bool { try matcher(pattern)(text) }

    /// Texts on either side of the text rules: blank in several ways, control characters inside and
    /// at the ends, white space only a newline or a character beyond ASCII is.
    static let texts = [
        "", " ", "\n", "\t \r\n", "\u{00A0}", "\u{2028}\u{3000}", "\u{0085}", "a", " a ", "\tpaid\t", "\r\npaid\r\n",
        "two\nlines", "two\r\nlines", "a\tb", "a\u{0007}b", "\u{0007}a", "a\u{0007}", "a\u{0085}b", "\u{0085}a\u{0085}",
        "a\u{009F}", "\u{FEFF}", "\u{200B}", "é", "e\u{0301}", " \u{0301}", "Tack, och på återseende – från Takvandring",
    ]

    @Test func theCurrencyEnum_isTheServersTable_andEachCodeInItIsTaken() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        let codes = try #require(try property(doc, "Money", "currency")["enum"] as? [String])
        #expect(codes == Currency.allKnown.map(\.code))
        for code in codes {
            let issued = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "\#(code)"}}"#)
            #expect(issued.status == 201, "\(code): \(issued.text)")
        }
        let before = await h.stored()
        for code in ["AAA", "XXX", "XAU", "HRK", "ZZZ"] {
            #expect(!codes.contains(code))
            let refused = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "\#(code)"}}"#)
            #expect(refused.status == 422 && refused.code == "invalid-request", "\(code): \(refused.text)")
        }
        #expect(await h.stored() == before)
    }

    @Test func theTextPatterns_takeWhatTheServerTakes() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        let voucher = try await h.issue(amount: 500_000)
        let id = try #require(voucher.string("id")), holder = try #require(voucher.string("holder", "id"))
        // A required text (a note) and an optional one (a redemption's reference), each on its route.
        let note = try #require(try property(doc, "NoteRequest", "text")["pattern"] as? String)
        let reference = try #require(try property(doc, "RedemptionRequest", "reference")["pattern"] as? String)
        for text in Self.texts {
            let json = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
            let noted = await h.post("/v1/holders/\(holder)/notes", #"{"text": \#(json)}"#)
            #expect((noted.status == 201) == (try matches(note, text)), "note \(json): \(noted.status) \(noted.text)")
            #expect(noted.status == 201 || noted.code == "invalid-request", "note \(json): \(noted.text)")
            let redeemed = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 1, "currency": "SEK"}, "reference": \#(json)}"#)
            #expect((redeemed.status == 200) == (try matches(reference, text)), "reference \(json): \(redeemed.status) \(redeemed.text)")
            #expect(redeemed.status == 200 || redeemed.code == "invalid-request", "reference \(json): \(redeemed.text)")
        }
        // Every other free text of a request has one of the two, as the server cleans it.
        let required = OpenAPIRules.requiredText, optional = OpenAPIRules.optionalText.replacingOccurrences(of: "\\\\", with: "\\")
        #expect(note == required.replacingOccurrences(of: "\\\\", with: "\\") && reference == optional)
        for (schema, field) in [("CaseRequest", "subject"), ("ResolutionRequest", "resolution"), ("CloseRequest", "payout_reference"),
                                ("AdjustmentRequest", "reason"), ("ExtensionRequest", "reason")] {
            #expect(try property(doc, schema, field)["pattern"] as? String == note, "\(schema).\(field)")
        }
        for (schema, field) in [("ReversalRequest", "reason"), ("ReasonRequest", "reason"), ("RefundRequest", "reference"),
                                ("RefundRequest", "reason"), ("IssueRequest", "experience"), ("IssueRequest", "message"), ("PersonInput", "name")] {
            #expect(try property(doc, schema, field)["pattern"] as? String == reference, "\(schema).\(field)")
        }
    }

    /// The classes are written as \uXXXX escapes, which reach only the Basic Multilingual Plane.
    @Test func whiteSpaceAndControlCharacters_lieInTheBasicMultilingualPlane() {
        for value in UInt32(0x10000)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(!CharacterSet.whitespacesAndNewlines.contains(scalar) && scalar.properties.generalCategory != .control, "\(value)")
        }
    }

    @Test func theCursorPattern_isWhatTheListTakes() async throws {
        let h = try APIHarness()
        _ = try await h.issue()
        let cursor = try #require(queryParameter(try operation(try await document(h), "get", "/v1/vouchers"), "cursor"))
        let pattern = try #require((cursor["schema"] as? [String: Any])?["pattern"] as? String)
        for text in ["0", "7", "+7", "007", "-0", "-000", "9223372036854775807"] {
            #expect(try matches(pattern, text), "\(text)")
            let answer = await h.get("/v1/vouchers?cursor=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(answer.status == 200, "\(text): \(answer.text)")
        }
        for text in ["", "-1", "-", "+", "a", " 1", "1 ", "1\n", "1.0", "0x1", "١"] {
            #expect(try !matches(pattern, text), "\(text)")
            let answer = await h.get("/v1/vouchers?cursor=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(text): \(answer.text)")
        }
        // Beyond 64 bits the pattern cannot say; the description does.
        #expect(await h.get("/v1/vouchers?cursor=9223372036854775808").status == 422)
        #expect((cursor["description"] as? String ?? "").contains("9223372036854775807"))
    }

    @Test func daysIsAParameterOfTheExpiringReportAlone() async throws {
        let h = try APIHarness()
        let auditor = try #require(h.keys[.auditor])
        let doc = try await document(h)
        let named = try operation(doc, "get", "/v1/reports/{name}")
        #expect(queryParameter(named, "days") == nil)
        let names = try #require(((named["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "name" }?["schema"] as? [String: Any])?["enum"] as? [String])
        #expect(!names.contains("expiring") && !names.contains("rollforward"))
        for name in names {
            #expect(await h.get("/v1/reports/\(name)", key: auditor).status == 200, "\(name)")
            let refused = await h.get("/v1/reports/\(name)?days=30", key: auditor)
            #expect(refused.status == 422 && refused.code == "invalid-request", "\(name): \(refused.text)")
            // Where days is taken instead, at a path the document gives it on.
            #expect(refused.string("detail") == "Unknown query parameter 'days'. GET /v1/reports/{name} takes no query parameters; "
                    + "only the expiring report takes days: GET /v1/reports/expiring?days=N.", "\(name): \(refused.text)")
            // And the roll-forward's period, at its own path.
            for parameter in ["from", "to", "time_zone"] {
                let detail = await h.get("/v1/reports/\(name)?\(parameter)=2026-01-01", key: auditor).string("detail") ?? ""
                #expect(detail.hasSuffix("only the roll-forward takes \(parameter): GET /v1/reports/rollforward?from=DAY&to=DAY[&time_zone=ZONE]."), "\(detail)")
            }
        }
        #expect(queryParameter(try operation(doc, "get", "/v1/reports/rollforward"), "time_zone") != nil)
        let expiring = try #require(queryParameter(try operation(doc, "get", "/v1/reports/expiring"), "days"))
        let days = try #require(expiring["schema"] as? [String: Any])
        for n in [days["minimum"] as? Int, days["maximum"] as? Int] {
            let n = try #require(n)
            let answer = await h.get("/v1/reports/expiring?days=\(n)", key: auditor)
            #expect(answer.status == 200 && answer.int("days") == n, "\(n): \(answer.text)")
        }
    }

    @Test func aPolicyBodyTakesExactlyOneOfFileOrPolicy_andAFileNameAsTheServerReadsIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gw-policies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let h = try APIHarness(policies: folder.path)
        let doc = try await document(h)
        for name in ["PolicySource", "SimulationRequest"] {
            let oneOf = try #require(try schema(doc, name)["oneOf"] as? [[String: Any]], "\(name)")
            #expect(Set(oneOf.compactMap { ($0["required"] as? [String]).map(Set.init) }) == [["file"], ["policy"]], "\(name)")
            #expect(try property(doc, name, "file")["$ref"] as? String == "#/components/schemas/PolicyFileName")
        }
        for path in ["/v1/policies/validate", "/v1/policies/simulate"] {
            for body in ["{}", #"{"file": "a.json", "policy": {}}"#] {
                let answer = await h.post(path, body)
                #expect(answer.status == 422 && (answer.string("detail") ?? "").hasPrefix("Give exactly one of 'file'"), "\(path) \(body): \(answer.text)")
            }
        }
        let pattern = try #require(try schema(doc, "PolicyFileName")["pattern"] as? String)
        for file in ["a.json", "generous.json", "x.y.json", "a b.json", "-.json", "å.json"] {
            #expect(try matches(pattern, file), "\(file)")
            let answer = await h.post("/v1/policies/validate", #"{"file": \#(String(decoding: try JSONEncoder().encode(file), as: UTF8.self))}"#)
            #expect(answer.status == 404 && answer.code == "policy-file-not-found", "\(file): \(answer.text)")
        }
        for file in ["", ".json", ".a.json", "a/b.json", "/a.json", "a.json/", "a.txt", "a.JSON", "a.json.bak", "a.json\n"] {
            #expect(try !matches(pattern, file), "\(file)")
            let answer = await h.post("/v1/policies/validate", #"{"file": \#(String(decoding: try JSONEncoder().encode(file), as: UTF8.self))}"#)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(file): \(answer.text)")
        }
    }

    /// Without an Idempotency-Key an activation is refused for that, as every write is, before the
    /// body is looked at: not 404 for a file the folder does not hold.
    @Test func anActivationWithoutAKey_isRefusedForTheKey_first() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gw-policies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let h = try APIHarness(policies: folder.path)
        for body in [#"{"file": "0.json"}"#, #"{"policy": {}}"#] {
            let answer = await h.post("/v1/policies/activate", body, idempotencyKey: nil)
            #expect(answer.status == 400 && answer.code == "idempotency-key-required", "\(body): \(answer.text)")
        }
    }

    @Test func theRollForwardStartsIn1970_asItsPatternSays() async throws {
        let h = try APIHarness()
        let auditor = try #require(h.keys[.auditor])
        let from = try #require(queryParameter(try operation(try await document(h), "get", "/v1/reports/rollforward"), "from"))
        let pattern = try #require((from["schema"] as? [String: Any])?["pattern"] as? String)
        for (day, taken) in [("1970-01-01", true), ("2026-01-01", true), ("1969-12-31", false), ("0224-06-21", false), ("1900-01-01", false)] {
            #expect(try matches(pattern + ".*", day) == taken, "\(day)")
            let answer = await h.get("/v1/reports/rollforward?from=\(day)&to=2026-02-28", key: auditor)
            #expect((answer.status == 200) == taken && (taken || answer.code == "invalid-request"), "\(day): \(answer.text)")
        }
    }

    /// A holder's close reads null as a field left out; the schema says null is allowed.
    @Test func aHoldersCloseTakesNull_asTheSchemaSays() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        for field in ["erase", "refund_all", "payout_reference"] {
            #expect((try property(doc, "CloseRequest", field)["type"] as? [String])?.contains("null") == true, "\(field)")
        }
        let holder = try #require(try await h.issue().string("holder", "id"))
        let closed = await h.post("/v1/holders/\(holder)/close", #"{"erase": null, "refund_all": null, "payout_reference": null}"#)
        #expect(closed.status == 200, "\(closed.text)")
    }
}
