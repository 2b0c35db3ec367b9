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

    /// Replays every line of the file. A malformed line stops the replay with its line number.
    public func replay(contentsOf url: URL) throws -> Summary {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw LedgerError.invalidRequest("Cannot read the book \(url.path): \(error.localizedDescription)")
        }
        var summary = Summary()
        var redemptions: [String: [Int64]] = [:]
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let lineNumber = index + 1
            let event: Event
            do { event = try decoder.decode(Event.self, from: Data(line.utf8)) } catch {
                throw LedgerError.invalidRequest("\(url.lastPathComponent) line \(lineNumber): not a book event (\(error)).")
            }
            guard let at = RFC3339.parse(event.at) else {
                throw LedgerError.invalidRequest("\(url.lastPathComponent) line \(lineNumber): 'at' is not an RFC 3339 time.")
            }
            clock.set(at)
            summary.events += 1
            if event.op == "sweep" {
                _ = try ledger.sweepExpired()
                continue
            }
            let command = try self.command(for: event, line: lineNumber, file: url.lastPathComponent, ids: summary.ids, redemptions: redemptions)
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
        default: throw fail("unknown op '\(e.op)'.")
        }
    }
}
