import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine
import Reminders
import Store
import Support

/// An RFC 9457 problem: `application/problem+json` with `type`, `title`, `status`, a stable
/// machine-readable `code` and a `detail` a person can act on. Extra members (for example the
/// balance left, or what the goodwill policy would do) go in `extensions`.
public struct Problem: Error, Sendable {
    public var status: HTTPStatus
    public var code: String
    public var detail: String
    public var extensions: [String: JSONValue] = [:]
    public var headers: HTTPHeaders = HTTPHeaders()

    public init(_ status: HTTPStatus, code: String, detail: String, extensions: [String: JSONValue] = [:]) {
        self.status = status; self.code = code; self.detail = detail; self.extensions = extensions
    }

    /// `type` is a URN (RFC 9457 §3.1.1 allows any URI; this one needs no server to resolve it).
    public var type: String { "urn:goodwill:problem:\(code)" }

    public var response: HTTPResponse {
        var object: [String: JSONValue] = extensions
        object["type"] = .string(type)
        object["title"] = .string(status.reason)
        object["status"] = .number(Double(status.code))
        object["code"] = .string(code)
        object["detail"] = .string(detail)
        var h = headers
        h["Content-Type"] = "application/problem+json"
        return HTTPResponse(status: status, headers: h, body: Data(JSONValue.object(object).serialized().utf8))
    }

    // MARK: Common problems

    static func notFound(_ path: String) -> Problem {
        Problem(.notFound, code: "not-found", detail: "There is no such resource. The routes are listed in /openapi.json.")
    }

    static func methodNotAllowed(_ allowed: [String]) -> Problem {
        var p = Problem(.methodNotAllowed, code: "method-not-allowed",
                        detail: "This resource answers \(allowed.joined(separator: ", ")) only.")
        p.headers["Allow"] = allowed.joined(separator: ", ")
        return p
    }

    static let unauthorized: Problem = {
        var p = Problem(.unauthorized, code: "unauthorized",
                        detail: "Send a valid API key as 'Authorization: Bearer <secret>'. An operator creates one with 'goodwill keys create'.")
        p.headers["WWW-Authenticate"] = "Bearer realm=\"goodwill\""
        return p
    }()

    static func forbidden(_ role: Role, route: String) -> Problem {
        Problem(.forbidden, code: "forbidden",
                detail: "A key with the role '\(role.rawValue)' may not call \(route). Ask an administrator for a key with the right role.")
    }

    static func malformedJSON(_ reason: String) -> Problem {
        Problem(.badRequest, code: "malformed-json", detail: "The request body is not valid JSON (\(reason)). Send one JSON object.")
    }

    static func invalid(_ detail: String) -> Problem {
        Problem(.unprocessableContent, code: "invalid-request", detail: detail)
    }

    /// A name given twice in one object (`JSONKeys`): parsers differ on which one counts.
    static func repeatedField(_ path: [String]) -> Problem {
        invalid("\(JSON.path(path)) appears twice; send each field once.")
    }

    static let idempotencyKeyRequired = Problem(.badRequest, code: "idempotency-key-required",
        detail: "This request changes the ledger, so it needs an 'Idempotency-Key' header (a fresh UUID per request; reuse it only to retry the same request).")

    static func idempotencyKeyRepeated(_ count: Int) -> Problem {
        Problem(.badRequest, code: "idempotency-key-required",
                detail: "Send exactly one 'Idempotency-Key' header; this request had \(count), so which one names it would be a guess.")
    }

    /// Two `Authorization` headers: which key is meant is a guess, so neither is used.
    static func authorizationRepeated(_ count: Int) -> Problem {
        var p = unauthorized
        p.detail = "Send exactly one 'Authorization: Bearer <secret>' header; this request had \(count)."
        return p
    }

    static let busy = Problem(.serviceUnavailable, code: "busy",
        detail: "The server has too many writes waiting. Retry the same request with the same Idempotency-Key in a moment.")

    /// A retry of a support write whose stored answer went with the holder's personal data.
    static let answerErased = Problem(.gone, code: "answer-erased",
        detail: "This request was carried out before the holder's personal data was erased, and its stored answer was erased with it. Nothing was done now; look the holder up for what remains.")

    /// Reports and simulations all running and their queue full (see `SlowReads`).
    static let slowReadsBusy = Problem(.serviceUnavailable, code: "busy",
        detail: "Too many reports or simulations are running or waiting. Retry in a minute, or run fewer at once.")

    static let internalError = Problem(.internalServerError, code: "internal-error",
        detail: "Something went wrong on our side; nothing is changed by a failed request. Retry with the same Idempotency-Key, and if it persists tell the operator the request id.")

    // MARK: Mapping domain errors

    /// Every error a handler can throw becomes a problem; anything unknown is a 500 that leaks nothing.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let p as Problem: return p
        case let e as LedgerError: return from(e)
        case let e as SupportError: return from(e)
        case let e as ReminderError:
            let status: HTTPStatus = switch e {
            case .reminderNotFound: .notFound
            case .notFailed, .noPurchaser, .purchaserIsHolder, .nothingToPreview: .conflict
            case .messageUndeliverable, .invalidChannel: .unprocessableContent
            }
            if case .reminderNotFound(let id) = e {
                return Problem(status, code: e.code, detail: "There is no reminder \(id). GET /v1/vouchers/{id}/reminders lists a voucher's reminders and their IDs.")
            }
            return Problem(status, code: e.code, detail: e.description)
        case StoreError.newerSchema(_, let found, let known):
            // A newer goodwill migrated the file while this server ran: its open connections go on,
            // each new one refuses the file. Retrying does not help; restarting with the newer one does.
            return Problem(.serviceUnavailable, code: "database-upgraded",
                           detail: "A newer goodwill has upgraded the database (schema \(found); this server knows \(known)), so this server can no longer open it. Nothing was done. Tell the operator: restart the service with the newer goodwill.")
        case let e as DatabaseError where e.isBusy:
            var p = Problem(.serviceUnavailable, code: "database-busy",
                            detail: "The database stayed locked by another process. Retry the same request with the same Idempotency-Key.")
            p.headers["Retry-After"] = "1"
            return p
        case let e as DatabaseError:
            return storageProblem(e) ?? internalError
        case is LedgerWriter.SyncFailed:
            // Committed, but the storage failed before the sync that would have made it durable:
            // it may be there or not, so neither "done" nor "nothing changed" (a reviewer saw a 500
            // say the latter of two writes that were stored). A retry with the same key tells, later.
            // Ledger commands and the writer's other writes (support, policies) alike.
            return Problem(.serviceUnavailable, code: "storage-failed",
                           detail: "The server's storage failed while this request was being made durable, so it was not confirmed: it may or may not have been done. Tell the operator; once the service is back, send the same request with the same Idempotency-Key, and the answer says which.")
        default:
            return internalError
        }
    }

    /// What the server's surroundings refused, not a fault of the request or of ours: said as such
    /// (a reviewer filled the disk and saw 45,000 answers of 500 "retry" and nothing in the log
    /// saying why). A full disk may pass, so a retry later is right; the rest need the operator.
    /// Nil for any other SQLite error.
    static func storageProblem(_ e: DatabaseError) -> Problem? {
        guard let fault = e.storageFault else { return nil }
        let cause: String
        switch fault {
        case .full:
            var p = Problem(.serviceUnavailable, code: "storage-full",
                            detail: "The server's disk is full, so nothing of this request was stored. Retry later with the same Idempotency-Key, and tell the operator: disk space must be freed.")
            p.headers["Retry-After"] = "30"
            return p
        case .notWritable: cause = "its database files may not be written (a read-only disk, or their owner or mode)"
        case .damaged: cause = "its database file is damaged"
        case .inputOutput, .cannotOpen: cause = "the disk failed to read or write its database files"
        }
        return Problem(.serviceUnavailable, code: "storage-error",
                       detail: "The server cannot use its database: \(cause). Nothing was done. Tell the operator, whose server log names the cause; retrying will not help until it is put right.")
    }

    static func status(of e: LedgerError) -> HTTPStatus {
        switch e {
        case .voucherNotFound, .entryNotFound, .codeTypo, .invalidCode: return .notFound
        case .insufficientBalance, .voucherExpired, .voucherVoided, .voucherRefunded, .voucherBlocked, .voucherFullyUsed,
             .alreadyReversed, .alreadyInState, .notBlocked, .nothingToRefund, .noExpiry: return .conflict
        case .notPermitted: return .forbidden
        case .invalidAmount, .amountNotPositive, .currencyMismatch, .idempotencyConflict, .invalidRequest, .invalidValidity, .belowLegalMinimum, .invalidPolicy,
             .overrideRequired, .notARedemption, .importedRedemption: return .unprocessableContent
        }
    }

    static func from(_ e: LedgerError) -> Problem {
        var p = Problem(status(of: e), code: e.code, detail: e.description)
        switch e {
        case .amountNotPositive(let amount, let isValue):
            // The ledger's example is typed at the CLI (99.50); over the API amounts are minor units.
            p.detail = (isValue ? "A voucher's value" : "The amount") + " must be more than zero, in whole minor units: for example "
                + AmountWords.examples(major: isValue ? 500 : 100, amount.currency, withDecimals: !isValue) + "."
        case .insufficientBalance(let balance, let requested):
            p.extensions["balance"] = .money(balance)
            p.extensions["requested"] = .money(requested)
        case .voucherExpired(let day, let goodwill, let payout):
            p.extensions["last_valid_day"] = .string(day.isoString)
            // Whether the goodwill policy would extend it, and where to ask when it would.
            let hint = goodwill.map { $0.sentence + ($0.wouldGrant ? " Ask with POST /v1/vouchers/{id}/extensions." : "") }
            if let hint { p.extensions["goodwill"] = .string(hint) }
            // Where the law still lets the holder take the balance out as money: how much, until when.
            if let payout, let claimable = payout.claimable {
                p.extensions["payout_claimable"] = .money(claimable)
                if let until = payout.until { p.extensions["payout_claimable_until"] = .string(until.isoString) }
            }
            p.detail = "The voucher expired: its last valid day was \(day). "
                + (hint ?? "Ask for a goodwill extension (GET /v1/vouchers/{id}/goodwill shows what the policy would do).")
                + (payout.map { " " + $0.sentence(PayoutRight.howAPI) } ?? "")
        // The ledger's words below name the CLI's flags and commands; the API names its fields and routes.
        case .invalidValidity(.endsBeforeIssue(let last, let issue)):
            p.detail = "validity.last_day \(last) is before the day of issue (\(issue)). Give a day from \(issue) on, or validity.months instead."
        case .invalidValidity(.monthsOutOfRange(let n)):
            p.detail = WholeNumber.months.refusal(["validity", "months"], String(n)).detail
        case .overrideRequired(let reason):
            p.detail = reason + " Send \"override\": true to go beyond the policy."
        case .importedRedemption(let id):
            p.detail = "Entry \(id) records what was spent before the voucher was imported from another system, not a redemption made here, so it cannot be reversed. To give value back, adjust the voucher with a reason (POST /v1/vouchers/{id}/adjustments)."
        default: break
        }
        return p
    }
}
