import Foundation
import GoodwillCore
import Ledger
import HTTPServer
import PolicyEngine

// Request bodies of the routes, as the contract names their fields.

struct RedemptionBody: Decodable {
    var amount: Money
    var reference: String?
}

struct ReversalBody: Decodable {
    var entryID: Int64
    var reason: String?
    enum CodingKeys: String, CodingKey { case entryID = "entry_id", reason }
}

struct ReasonBody: Decodable {
    var reason: String?
}

struct AdjustmentBody: Decodable {
    /// Signed: positive adds to the balance, negative takes away.
    var amount: Money
    var reason: String
}

struct RefundBody: Decodable {
    var reference: String?
    var reason: String?
}

struct ExtensionBody: Decodable {
    var days: Int?
    var reason: String
    var override: Bool?
    var requester: Requester?
}

/// The fields each body may have: anything else is refused, so a misspelled field is never silently ignored.
enum BodyFields {
    static let issue: Set<String> = ["value", "validity", "time_zone", "holder", "purchaser", "kind", "experience", "message"]
    static let redemption: Set<String> = ["amount", "reference"]
    static let reversal: Set<String> = ["entry_id", "reason"]
    static let reason: Set<String> = ["reason"]
    static let adjustment: Set<String> = ["amount", "reason"]
    static let refund: Set<String> = ["reference", "reason"]
    static let extensionRequest: Set<String> = ["days", "reason", "override", "requester"]
    static let policy: Set<String> = ["file", "policy"]
    static let simulation: Set<String> = ["file", "policy", "from", "to", "rows"]
}

extension JSON {
    /// Decodes a JSON object body whose top-level fields must all be in `allowed`.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest, allowed: Set<String>, emptyIsObject: Bool = false) throws -> T {
        let value = try decode(type, from: request, emptyIsObject: emptyIsObject)
        if !request.body.isEmpty,
           let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] {
            let unknown = object.keys.filter { !allowed.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw Problem.invalid("Unknown field\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")). This route takes \(allowed.sorted().joined(separator: ", ")).")
            }
        }
        return value
    }
}
