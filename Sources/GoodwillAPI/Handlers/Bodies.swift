import Foundation
import GoodwillCore
import Ledger
import HTTPServer
import PolicyEngine

// Request bodies of the routes, as the contract names their fields.

// RedemptionBody is in FastBody.swift, beside the byte-level reader of its common shape.

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
    static let note: Set<String> = ["text"]
    static let supportCase: Set<String> = ["holder", "subject"]
    static let resolution: Set<String> = ["resolution"]
    static let close: Set<String> = ["erase", "payout_reference", "refund_all"]
}

extension JSON {
    /// Decodes a JSON object body whose top-level fields must all be in `allowed`, in one pass.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest, allowed: Set<String>, emptyIsObject: Bool = false) throws -> T {
        do {
            return try decode(Checked<T>.self, from: request, emptyIsObject: emptyIsObject).value
        } catch let unknown as UnknownFields {
            throw Problem.invalid("Unknown field\(unknown.names.count == 1 ? "" : "s") \(unknown.names.map { "'\($0)'" }.joined(separator: ", ")). This route takes \(allowed.sorted().joined(separator: ", ")).")
        }
    }
}

struct UnknownFields: Error { var names: [String] }

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Which fields a body may have, by type, checked while decoding.
protocol KnownFields { static var fields: Set<String> { get } }

private struct Checked<T: Decodable>: Decodable {
    var value: T
    init(from decoder: any Decoder) throws {
        if let known = T.self as? any KnownFields.Type, let keys = try? decoder.container(keyedBy: AnyKey.self).allKeys {
            let unknown = keys.map(\.stringValue).filter { !known.fields.contains($0) }
            if !unknown.isEmpty { throw UnknownFields(names: unknown.sorted()) }
        }
        value = try T(from: decoder)
    }
}

extension IssueRequest: KnownFields { static var fields: Set<String> { BodyFields.issue } }
extension RedemptionBody: KnownFields { static var fields: Set<String> { BodyFields.redemption } }
extension ReversalBody: KnownFields { static var fields: Set<String> { BodyFields.reversal } }
extension ReasonBody: KnownFields { static var fields: Set<String> { BodyFields.reason } }
extension AdjustmentBody: KnownFields { static var fields: Set<String> { BodyFields.adjustment } }
extension RefundBody: KnownFields { static var fields: Set<String> { BodyFields.refund } }
extension ExtensionBody: KnownFields { static var fields: Set<String> { BodyFields.extensionRequest } }
// Closing a holder cannot be undone: a misspelt "refundAll" must not close without the refund.
extension SupportRoutes.NoteBody: KnownFields { static var fields: Set<String> { BodyFields.note } }
extension SupportRoutes.CaseBody: KnownFields { static var fields: Set<String> { BodyFields.supportCase } }
extension SupportRoutes.ResolutionBody: KnownFields { static var fields: Set<String> { BodyFields.resolution } }
extension SupportRoutes.CloseBody: KnownFields { static var fields: Set<String> { BodyFields.close } }
