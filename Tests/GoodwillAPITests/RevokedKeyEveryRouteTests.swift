import Foundation
import Testing
@testable import GoodwillAPI

/// Extends AuthorizationTests (which revokes one key and tries one route): a revoked key of
/// every role is refused with 401 on every route that needs a key, and the public routes
/// still answer it as they answer anyone.
@Suite struct RevokedKeyEveryRouteTests {
    @Test(arguments: Role.allCases)
    func aRevokedKey_gets401_onEveryRoute(role: Role) async throws {
        let h = try APIHarness()
        let auth = AuthorizationTests()
        let f = try await auth.fixture(h, redeemedBy: h.admin)
        try APIKeyStore(try h.ledger().db).revoke(name: "\(role.rawValue)-key", now: h.clock.now())
        // The fixture just used some of these keys, and a running server keeps a verified key for
        // at most KeyCache's second (a revocation comes from another process, `goodwill keys revoke`).
        // Past that second the revoked key must be refused everywhere.
        try await Task.sleep(for: .milliseconds(1_100))
        for route in GoodwillAPI.routes.map(\.name).sorted() {
            let a = await auth.call(route, h, f, key: h.keys[role])
            if AuthorizationTests.publicRoutes.contains(route) {
                #expect(a.status == 200, "\(route) with a revoked \(role) key: \(a.status)")
            } else {
                #expect(a.status == 401 && a.code == "unauthorized", "\(route) with a revoked \(role) key: \(a.status) \(a.text)")
            }
        }
        // The other roles' keys still work: revoking one key touches no other.
        let other = Role.allCases.first { $0 != role && $0 != .redeemer }!
        #expect(await h.get("/v1/vouchers/\(f.id)", key: h.keys[other]).status == 200)
    }
}
