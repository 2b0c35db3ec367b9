import Foundation
import GoodwillCore
import PolicyEngine

/// Replays a book of events (Fixtures/book/events.jsonl) through the ledger, each at its own
/// instant on a clock the replay moves: the fixture for tests, simulations and `serve --demo`.
/// Events refer to vouchers by a fixture-local name (`ref`), mapped to the IDs the ledger gives.
public struct BookReplay {
    struct Event: Decodable {
        var at: String
        var op: String
        var ref: String?
        var amount: Int64?
        var currency: String?
        var months: Int?
        var noExpiry: Bool?
        var holder: PersonInput?
        var purchaser: PersonInput?
        var kind: String?
        var experience: String?
        var message: String?
        var reference: String?
        var reason: String?
        var requester: String?
        var actor: String?
        /// For a reversal: the n-th redemption (1-based) of the voucher.
        var redemption: Int?

        enum CodingKeys: String, CodingKey {
            case at, op, ref, amount, currency, months, noExpiry = "no_expiry", holder, purchaser, kind, experience,
                 message, reference, reason, requester, actor, redemption
        }
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var events = 0
        public var applied = 0
        /// Refusals by error code: a book has requests the policy turns down, as life does.
        public var refused: [String: Int] = [:]
        public var vouchers = 0
        /// Fixture name → voucher ID.
        public var ids: [String: String] = [:]
    }

    public let ledger: Ledger
    public let clock: ManualClock

    /// `ledger` must have been opened with `clock`.
    public init(ledger: Ledger, clock: ManualClock) {
        self.ledger = ledger
        self.clock = clock
    }

    /// The ops a book may use.
    static let operations: Set<String> = ["issue", "redeem", "reverse", "extend", "void", "block", "unblock", "refund", "sweep"]

    /// Replays every line of the file, all or nothing: every line is read and checked before
    /// anything is applied, and the book is applied as one transaction, so a malformed line, or
    /// one the ledger cannot apply, leaves the database as it was. Errors name the line.
    public func replay(contentsOf url: URL) throws -> Summary {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw LedgerError.invalidRequest("Cannot read the book \(url.path): \(error.localizedDescription)")
        }
        let file = url.lastPathComponent
        var events: [(line: Int, event: Event, at: Date)] = []
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            func fail(_ what: String) -> LedgerError { .invalidRequest("\(file) line \(lineNumber): \(what)") }
            let event: Event
            do { event = try decoder.decode(Event.self, from: Data(line.utf8)) } catch let error as DecodingError {
                throw fail(Self.describe(error))
            } catch {
                throw fail("not a book event.")
            }
            guard let at = RFC3339.parse(event.at) else {
                throw fail("'at' is not an RFC 3339 time; write it like 2026-04-16T09:30:00Z.")
            }
            guard Self.operations.contains(event.op) else {
                throw fail("unknown op '\(event.op)'; use one of \(Self.operations.sorted().joined(separator: ", ")).")
            }
            events.append((lineNumber, event, at))
        }
        return try ledger.db.writeTransaction {
            // A book issues all of its vouchers afresh: loaded twice, each would be there twice. Its
            // first voucher, issued to that holder at that instant, tells that it was loaded before:
            // one indexed question in the transaction that loads it, however many vouchers the
            // holder has (a list of them stopped at 1,000).
            if let first = events.first(where: { $0.event.op == "issue" }), let email = first.event.holder?.email,
               try ledger.db.scalarInt("""
                   SELECT count(*) FROM vouchers v JOIN holders h ON h.id = v.holder_id WHERE h.email_key = ? AND v.issued_at = ?
                   """, [.text(Holder.normalize(email: email)), .integer(first.at.unixMilliseconds)]) > 0 {
                throw LedgerError.invalidRequest("\(file) is loaded in this database already (the voucher of line \(first.line), issued to \(email) at \(first.event.at), is there); loading it again would issue every voucher in it a second time. Load it into a new database.")
            }
            return try apply(events, file: file)
        }
    }

    private func apply(_ events: [(line: Int, event: Event, at: Date)], file: String) throws -> Summary {
        var summary = Summary()
        var redemptions: [String: [Int64]] = [:]
        for (lineNumber, event, at) in events {
            clock.set(at)
            summary.events += 1
            if event.op == "sweep" {
                _ = try ledger.sweepExpired()
                continue
            }
            let command = try self.command(for: event, line: lineNumber, file: file, ids: summary.ids, redemptions: redemptions)
            do {
                let receipt = try ledger.perform(command, actor: event.actor ?? "fixture")
                if receipt.entry != nil || receipt.decision != nil { summary.applied += 1 }
                if case .issue = command, let ref = event.ref {
                    summary.ids[ref] = receipt.voucher.id
                    summary.vouchers += 1
                }
                if let entry = receipt.entry, entry.kind == .redeemed, let ref = event.ref {
                    redemptions[ref, default: []].append(entry.id)
                }
                if receipt.decision != nil, receipt.entry == nil {
                    summary.refused["extension-\(receipt.decision?.outcome ?? "")", default: 0] += 1
                }
            } catch let error as LedgerError {
                summary.refused[error.code, default: 0] += 1
            }
        }
        return summary
    }

    /// A decoding error in a person's words: which field, and what it should be.
    static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: return "text in quotes"
            case is Int.Type, is Int64.Type: return "a whole number"
            case is Bool.Type: return "true or false"
            default: return "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "'\(field(context.codingPath + [key]))' is missing; every event needs 'at' and 'op'."
        case .valueNotFound(let type, let context):
            return "'\(field(context.codingPath))' is null; it should be \(kind(type))."
        case .typeMismatch(let type, let context):
            return context.codingPath.isEmpty ? "not a JSON object; each line is one event, like {\"at\": \"2026-04-16T09:30:00Z\", \"op\": \"sweep\"}."
                : "'\(field(context.codingPath))' should be \(kind(type))."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON; each line is one event, like {\"at\": \"2026-04-16T09:30:00Z\", \"op\": \"sweep\"}."
                : "'\(field(context.codingPath))' is not valid."
        @unknown default:
            return "not a book event."
        }
    }

    private func command(for e: Event, line: Int, file: String, ids: [String: String],
                         redemptions: [String: [Int64]]) throws -> LedgerCommand {
        func fail(_ what: String) -> LedgerError { .invalidRequest("\(file) line \(line): \(what)") }
        func voucher() throws -> VoucherReference {
            guard let ref = e.ref, let id = ids[ref] else { throw fail("refers to '\(e.ref ?? "")', which no earlier line issued.") }
            return .id(VoucherID(rawValue: id))
        }
        func money(_ currency: Currency) throws -> Money {
            guard let amount = e.amount else { throw fail("'\(e.op)' needs an amount.") }
            return Money(minorUnits: amount, currency: currency)
        }
        func currencyOf(_ ref: VoucherReference) throws -> Currency { try ledger.resolve(ref).value.currency }
        switch e.op {
        case "issue":
            guard let code = e.currency, let currency = Currency(code: code) else { throw fail("unknown currency.") }
            let validity: Validity? = e.noExpiry == true ? Validity.none : e.months.map { .months($0) }
            return .issue(IssueRequest(value: try money(currency), validity: validity, holder: e.holder, purchaser: e.purchaser,
                                       kind: e.kind.flatMap(VoucherKind.init(rawValue:)), experience: e.experience, message: e.message))
        case "redeem":
            let ref = try voucher()
            return .redeem(ref, amount: try money(try currencyOf(ref)), reference: e.reference)
        case "reverse":
            guard let ref = e.ref, let n = e.redemption, let id = redemptions[ref]?.dropFirst(n - 1).first else {
                throw fail("reverses a redemption that did not happen.")
            }
            return .reverse(entryID: id, reason: e.reason)
        case "extend":
            return .extend(try voucher(), ExtensionRequest(reason: e.reason ?? "asked", requester: Requester(rawValue: e.requester ?? "holder") ?? .holder, role: "support"))
        case "void": return .void(try voucher(), reason: e.reason)
        case "block": return .block(try voucher(), reason: e.reason)
        case "unblock": return .unblock(try voucher(), reason: e.reason)
        case "refund": return .refund(try voucher(), reference: e.reference, reason: e.reason)
        default: throw fail("unknown op '\(e.op)'.")  // checked before anything is applied
        }
    }
}
