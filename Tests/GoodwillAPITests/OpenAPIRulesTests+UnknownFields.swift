import Foundation
import Testing
@testable import GoodwillAPI

/// An unknown field in a request body: the server refuses it at any depth (`BodyShape`, and the
/// policy routes' own check), so the document says `additionalProperties: false` on exactly the
/// objects where it does, and a client generated from it cannot send one.
extension OpenAPIRulesTests {
    /// Whether the schema refuses fields it does not name: by `additionalProperties: false`, or, for
    /// a choice (`oneOf`, `anyOf`), in every alternative that is an object (null aside).
    func refusesUnknownFields(_ doc: [String: Any], _ schema: [String: Any]) throws -> Bool {
        let s = try resolved(doc, schema)
        if s["additionalProperties"] as? Bool == false { return true }
        var objects: [[String: Any]] = []
        for alternative in (s["oneOf"] as? [[String: Any]] ?? []) + (s["anyOf"] as? [[String: Any]] ?? []) where try !allowsNull(doc, alternative) {
            objects.append(alternative)
        }
        return try !objects.isEmpty && objects.allSatisfy { try refusesUnknownFields(doc, $0) }
    }

    @Test func additionalPropertiesFalse_onExactlyTheBodyObjectsWhereTheServerRefusesAnUnknownField() async throws {
        let (h, policy, folder) = try harnessWithPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let doc = try await document(h)
        var covered: Set<String> = [], tried: Set<[String]> = []
        for (name, make) in try await requestBodies(h, policy: policy) {
            covered.insert(name)
            let schema = try self.schema(doc, name)
            let (_, body) = try await make()
            // The body itself and every object in it; an inline policy is the policy loader's, whose
            // rules the document leaves to Policies/README.md.
            let objects = [([String](), schema)] + (try fields(doc, schema, body)).compactMap { field, fieldSchema, _ in
                value(body, field) is [String: Any] && field.last != "policy" ? (field, fieldSchema) : nil
            }
            for (path, objectSchema) in objects where !tried.contains([name] + path) {
                tried.insert([name] + path)
                let (target, body) = try await make()
                let object = path.isEmpty ? body : value(body, path) as! [String: Any]
                let surplus = object.merging(["surplus": 1]) { $1 }
                let sent = path.isEmpty ? surplus : replacing(body, path, with: surplus)
                let answer = await h.post(target, String(decoding: try JSONSerialization.data(withJSONObject: sent), as: UTF8.self))
                let closed = try refusesUnknownFields(doc, objectSchema)
                let what = "\(([name] + path).joined(separator: ".")) with an unknown field, \(closed ? "refused" : "allowed") by the schema"
                if closed {
                    // Refused for that field, by its path.
                    #expect(answer.status == 422 && answer.code == "invalid-request", "\(what): \(answer.status) \(answer.text)")
                    #expect(answer.string("detail")?.hasPrefix("Unknown field \(JSON.path(path + ["surplus"])).") == true, "\(what): \(answer.text)")
                } else {
                    #expect((200..<300).contains(answer.status), "\(what): \(answer.status) \(answer.text)")
                }
            }
        }
        // Every request body schema in the document was tried.
        #expect(covered == (try requestBodySchemas(doc)), "\(covered.sorted())")
    }

    /// The value at `path` in `body`.
    func value(_ body: [String: Any], _ path: [String]) -> Any? {
        path.count == 1 ? body[path[0]] : (body[path[0]] as? [String: Any]).flatMap { value($0, Array(path.dropFirst())) }
    }
}
