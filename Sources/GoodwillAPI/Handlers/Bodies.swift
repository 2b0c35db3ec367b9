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

/// The simulation's own fields beside the policy source (`GoodwillRoutes.policySource` reads
/// `file` or `policy`, and `from` and `to` as days). `rows` absent is 20; null, a boolean or a text
/// is refused (JSONSerialization reads true as 1).
enum SimulationBody {
    /// `rows` from its own bytes: `policySource` has already parsed the body, which may carry up
    /// to 1 MiB of inline policy, and this runs on the event loop. `object` is that parse, which
    /// reads a name written with escapes ("r\u006fws") that `JSONSpan` does not match.
    static func rows(in body: Data, object: [String: Any]) throws -> Int {
        guard let value = JSONSpan.member("rows", in: body) else {
            guard object["rows"] == nil else { throw Problem.invalid("'rows' is written with an escape in its name; write it as \"rows\".") }
            return SimulationReport.defaultRows
        }
        return Int(try WholeNumber.simulationRows.read(value, path: ["rows"]))
    }
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
    /// Decodes a JSON object body whose fields, and those of the objects in it, must all be known
    /// (`T`'s `KnownFields`), in one pass. A body type must say its fields to be decoded here.
    static func decode<T: KnownFields>(checked type: T.Type, from request: HTTPRequest, emptyIsObject: Bool = false) throws -> T {
        try decode(Checked<T>.self, from: request, emptyIsObject: emptyIsObject).value
    }
}

/// Which fields a body's objects may and must have, by type, checked while decoding.
protocol KnownFields: Decodable {
    static var fields: Set<String> { get }
    /// The objects inside the body, by field name.
    static var objects: [String: BodyShape] { get }
    /// The fields that take one of a closed set of values, and those values.
    static var closed: [String: [String]] { get }
    /// The fields that take a whole number in a range.
    static var whole: [String: WholeNumber] { get }
}

extension KnownFields {
    static var objects: [String: BodyShape] { [:] }
    static var closed: [String: [String]] { [:] }
    static var whole: [String: WholeNumber] { [:] }
}

private struct Checked<T: KnownFields>: Decodable {
    var value: T
    init(from decoder: any Decoder) throws {
        if let body = try? decoder.container(keyedBy: BodyShape.Key.self) {
            try BodyShape(fields: T.fields, objects: T.objects, closed: T.closed, whole: T.whole).check(body, path: [])
        }
        value = try T(from: decoder)
    }
}

// `static let`: the shapes are built once, not on every request that decodes a body.
extension IssueRequest: KnownFields {
    static let fields: Set<String> = BodyFields.issue
    static let objects: [String: BodyShape] = ["value": .money, "validity": .validity, "holder": .person, "purchaser": .person]
    static let closed: [String: [String]] = ["kind": VoucherKind.allCases.map(\.rawValue)]
}
extension RedemptionBody: KnownFields {
    static let fields: Set<String> = BodyFields.redemption
    static let objects: [String: BodyShape] = ["amount": .money]
}
extension ReversalBody: KnownFields {
    static let fields: Set<String> = BodyFields.reversal
    static let whole: [String: WholeNumber] = ["entry_id": .entryID]
}
extension ReasonBody: KnownFields { static let fields: Set<String> = BodyFields.reason }
extension AdjustmentBody: KnownFields {
    static let fields: Set<String> = BodyFields.adjustment
    static let objects: [String: BodyShape] = ["amount": .money]
}
extension RefundBody: KnownFields { static let fields: Set<String> = BodyFields.refund }
extension ExtensionBody: KnownFields {
    static let fields: Set<String> = BodyFields.extensionRequest
    // The policy also knows system and redemption requesters; those are the server's own.
    static let closed: [String: [String]] = ["requester": [Requester.holder, .agent].map(\.rawValue)]
    static let whole: [String: WholeNumber] = ["days": .extensionDays]
}
// Closing a holder cannot be undone: a misspelt "refundAll" must not close without the refund.
extension SupportRoutes.NoteBody: KnownFields { static let fields: Set<String> = BodyFields.note }
extension SupportRoutes.CaseBody: KnownFields { static let fields: Set<String> = BodyFields.supportCase }
extension SupportRoutes.ResolutionBody: KnownFields { static let fields: Set<String> = BodyFields.resolution }
extension SupportRoutes.CloseBody: KnownFields { static let fields: Set<String> = BodyFields.close }
