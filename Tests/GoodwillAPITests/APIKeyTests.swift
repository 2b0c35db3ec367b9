import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import GoodwillAPI

@Suite struct APIKeyTests {
    let folder = TemporaryFolder()

    func store() throws -> (Ledger, APIKeyStore) {
        let ledger = try Ledger(path: folder.database, clock: ManualClock(instant("2026-01-05T09:00:00Z")), options: .init(durable: false))
        return (ledger, APIKeyStore(ledger.db))
    }

    @Test func aCreatedKeyAuthenticatesAndOnlyItsHashIsStored() throws {
        let (ledger, keys) = try store()
        let key = try keys.create(name: "pos-1", role: .redeemer, now: ledger.clock.now())
        #expect(key.secret.hasPrefix("gw_") && key.secret.count == 35)
        #expect(try keys.principal(secret: key.secret) == Principal(name: "pos-1", role: .redeemer))
        #expect(try keys.principal(secret: key.secret + "x") == nil)
        let stored = try ledger.db.query("SELECT secret_hash, prefix FROM api_keys") { ($0.text(0), $0.text(1)) }
        #expect(stored.count == 1)
        #expect(stored[0].0 == SHA256.hash(key.secret).hexString)
        #expect(!stored[0].0.contains(key.secret) && stored[0].1.count < 10)
    }

    @Test func secretsAreDifferentEachTime() throws {
        let (ledger, keys) = try store()
        let a = try keys.create(name: "a", role: .admin, now: ledger.clock.now())
        let b = try keys.create(name: "b", role: .admin, now: ledger.clock.now())
        #expect(a.secret != b.secret)
        #expect(try keys.list().map(\.name) == ["a", "b"])
    }

    @Test func aRevokedKeyNoLongerAuthenticatesAndItsNameIsNotReused() throws {
        let (ledger, keys) = try store()
        let key = try keys.create(name: "support-anna", role: .support, now: ledger.clock.now())
        try keys.revoke(name: "support-anna", now: ledger.clock.now())
        #expect(try keys.principal(secret: key.secret) == nil)
        #expect(try keys.list()[0].revokedAt == "2026-01-05T09:00:00Z")
        #expect(throws: APIKeyError.nameTaken("support-anna")) { try keys.create(name: "support-anna", role: .support, now: ledger.clock.now()) }
        #expect(throws: APIKeyError.alreadyRevoked("support-anna")) { try keys.revoke(name: "support-anna", now: ledger.clock.now()) }
        #expect(throws: APIKeyError.notFound("nobody")) { try keys.revoke(name: "nobody", now: ledger.clock.now()) }
    }

    @Test func namesAreCheckedBeforeAnythingIsStored() throws {
        let (ledger, keys) = try store()
        for bad in ["", "has space", "cli:me", String(repeating: "x", count: 65)] {
            #expect(throws: APIKeyError.invalidName(bad)) { try keys.create(name: bad, role: .admin, now: ledger.clock.now()) }
        }
        #expect(try keys.count() == 0)
    }

    @Test func rolesFollowThePermissionTable() {
        #expect(Permission.allCases.allSatisfy { Role.admin.allows($0) })
        #expect(Role.issuer.allows(.issue) && !Role.issuer.allows(.redeem) && !Role.issuer.allows(.readAll))
        #expect(Role.redeemer.allows(.redeem) && Role.redeemer.allows(.reverse) && Role.redeemer.allows(.readVoucher))
        #expect(!Role.redeemer.allows(.readVouchers) && !Role.redeemer.allows(.issue))
        #expect(Role.support.allows(.extend) && Role.support.allows(.block) && !Role.support.allows(.void) && !Role.support.allows(.refund))
        let auditorWrites: [Permission] = [.issue, .redeem, .reverse, .void, .block, .adjust, .refund, .extend, .activatePolicy, .retryReminder]
        #expect(auditorWrites.allSatisfy { !Role.auditor.allows($0) })
    }

    @Test func base32EncodesPerRFC4648() {
        #expect(SecretGenerator.base32(Array("foobar".utf8)) == "mzxw6ytboi")
    }
}
