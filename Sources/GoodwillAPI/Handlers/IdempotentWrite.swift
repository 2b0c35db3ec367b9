import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Support

/// Idempotency for POSTs that are not ledger commands (support writes, policy activation,
/// reminder retry): the first answer is stored in the ledger's idempotency table, in the same
/// transaction as the change, under the key name, the scope the ledger keeps its commands in, so
/// one Idempotency-Key names one request across every POST. A retry with the same key and body
/// (the same JSON, however it is written: `CanonicalJSON`) gets the stored answer, marked as a
/// replay; a ledger command's record under the key has another fingerprint (its canonical form
/// begins with a length, ours with the route), so it is refused as a conflict before anything is
/// decoded, and so is this record on the ledger's side.
///
/// `run` is called on the writer thread, which every redemption waits for, so the body (up to
/// 1 MiB, parsed whole for its canonical form) is read and hashed before, on the request's
/// thread, into `Fingerprints`.
enum IdempotentWrite {
    /// What a request's record is kept under and compared on.
    struct Fingerprints: Sendable {
        /// What the body says, not how it was written: a client that serialises the same request
        /// again (other spacing, key order or escapes) is retrying it, as a ledger command's retry
        /// with its fields in another order is. A body that is not JSON is compared as it came.
        let canonical: [UInt8]
        /// Records kept before that compared the bytes as they came: a retry with those bytes is
        /// still the same request, so an upgrade amid a client's retries does not refuse it.
        let asSent: [UInt8]

        init(route: String, body: Data) {
            canonical = IdempotentWrite.fingerprint(route: route, body: CanonicalJSON.form(of: body) ?? Array(body))
            asSent = IdempotentWrite.fingerprint(route: route, body: Array(body))
        }

        func match(_ stored: [UInt8]) -> Bool { stored == canonical || stored == asSent }
    }

    static func run(_ ledger: Ledger, actor: String, key: String, _ fingerprints: Fingerprints,
                    _ work: () throws -> HTTPResponse) throws -> HTTPResponse {
        try run(ledger, actor: actor, key: key, fingerprints, storing: { let r = try work(); return (r, r) })
    }

    /// `storing`'s `stored`: what a retry gets back, when it must differ from the answer (an
    /// erasing close keeps no letter that names the person; see `SupportRoutes.close`).
    static func run(_ ledger: Ledger, actor: String, key: String, _ fingerprints: Fingerprints,
                    storing work: () throws -> (answer: HTTPResponse, stored: HTTPResponse)) throws -> HTTPResponse {
        try Ledger.validate(idempotencyKey: key)  // the rule the ledger's own commands keep
        return try ledger.db.writeTransaction {
            if let record = try ledger.store.idempotencyRecord(scope: actor, key: key) {
                if fingerprints.match(record.fingerprint) { return try decode(record.result) }
                // Before migration 8 these answers were kept apart, under `http:<key name>`; a key
                // used for a ledger command too left both requests carried out, and the migration
                // left that record there (see Schema.idempotencyScopeMigration), so one exists only
                // beside another under the key name: asked for on a mismatch, it answers its own
                // retries. The ledger looks only under the key name, one lookup per redemption.
                if let legacy = try ledger.store.idempotencyRecord(scope: "http:" + actor, key: key), fingerprints.match(legacy.fingerprint) {
                    return try decode(legacy.result)
                }
                throw LedgerError.idempotencyConflict(key: key)
            }
            let (response, kept) = try work()
            var stored = SupportService.storedAnswerMark + Array("\(kept.status.code)|\(kept.headers["Content-Type"] ?? "")|".utf8)
            stored += kept.body
            try ledger.store.saveIdempotency(scope: actor, key: key, fingerprint: fingerprints.canonical, result: stored, at: ledger.clock.now())
            return response
        }
    }

    /// SHA-256 of the route, a zero byte, and the body.
    static func fingerprint(route: String, body: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(route.utf8)
        hasher.update(CollectionOfOne(UInt8(0)))
        hasher.update(body)
        return hasher.finalize()
    }

    private static func decode(_ stored: [UInt8]) throws -> HTTPResponse {
        if stored == SupportService.erasedAnswer {
            var response = Problem.answerErased.response
            response.headers["Idempotent-Replayed"] = "true"
            return response
        }
        guard stored.starts(with: SupportService.storedAnswerMark) else { throw Problem.internalError }
        var parts: [ArraySlice<UInt8>] = []
        var rest = stored[SupportService.storedAnswerMark.count...]
        for _ in 0..<2 {
            guard let bar = rest.firstIndex(of: UInt8(ascii: "|")) else { throw Problem.internalError }
            parts.append(rest[..<bar])
            rest = rest[(bar + 1)...]
        }
        guard let code = Int(String(decoding: parts[0], as: UTF8.self)) else { throw Problem.internalError }
        var headers: HTTPHeaders = ["Idempotent-Replayed": "true"]
        let type = String(decoding: parts[1], as: UTF8.self)
        if !type.isEmpty { headers["Content-Type"] = type }
        return HTTPResponse(status: HTTPStatus(code: code, reason: code == 201 ? "Created" : "OK"), headers: headers, body: Data(rest))
    }
}
